import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeadsApi } from '../../web/client/index.js';
import {
  buildDashboardIfNeeded,
  chromiumAvailable,
  launchChromium,
  publishScreenshot,
  screenshot,
} from './browser.js';
import { bigCsv, E2E_TOKEN, sheetIdOf, sheetLink, startE2eService, type E2eService } from './service.js';

/**
 * The dashboard in real Chromium against `leadsync serve` and the fake Google, as an operator
 * uses it. The steps share one page and run in order; each leaves a screenshot.
 */
describe.runIf(chromiumAvailable())('dashboard in the browser', () => {
  let s: E2eService;
  let browser: Browser;
  let page: Page;
  const big = sheetIdOf(1);
  const tab = (csv: string) => [{ gid: '0', title: 'Sheet1', csv }];

  beforeAll(async () => {
    buildDashboardIfNeeded();
    [s, browser] = await Promise.all([startE2eService(), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => console.error('browser error:', e.message));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('signs in with the admin token', async () => {
    await page.goto(s.url);
    await page.getByLabel('API token').fill(E2E_TOKEN);
    await screenshot(page, '01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('No customers yet.').waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
  });

  it('adds a customer by pasting a link, after checking the sheet', async () => {
    s.google.setSheet(big, tab(bigCsv(20_000)), { contentLength: true });
    await page.getByRole('link', { name: 'Add customer' }).first().click();
    await page.getByLabel('Customer name').fill('Acme Corp');
    await page.getByLabel(/Google Sheet link/).fill(sheetLink(big));
    await page.getByRole('button', { name: 'Check sheet' }).click();
    await page.getByText('20,000 lead rows').waitFor();
    await screenshot(page, '02-add-customer');
    // The first sync starts on save: serve it slowly so the bar has time to move.
    s.google.fault(big, { slowBody: { chunkBytes: 32 * 1024, delayMs: 100 } }, { times: 1 });
    await page.getByRole('button', { name: 'Save customer' }).click();
    await page.getByRole('heading', { name: 'Acme Corp' }).waitFor();
  });

  it('moves the progress bar during a large sync', async () => {
    const bar = page.getByRole('progressbar');
    const seen = new Set<string>();
    const until = Date.now() + 20_000;
    let shot = false;
    while (seen.size < 3 && Date.now() < until) {
      const now = await bar.getAttribute('aria-valuenow', { timeout: 5000 }).catch(() => null);
      if (now !== null) seen.add(now);
      if (seen.size === 2 && !shot)
        shot = Boolean(await screenshot(page, '03-progress', { fullPage: false }));
      await page.waitForTimeout(100);
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    await page.getByText('Synced', { exact: true }).first().waitFor({ timeout: 20_000 });
  });

  it('pauses and resumes syncing', async () => {
    await page.getByRole('button', { name: 'Pause Acme Corp' }).click();
    await page.getByText('Paused', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: 'Resume Acme Corp' }).click();
    await page.getByRole('button', { name: 'Sync Acme Corp now' }).waitFor();
  });

  it('shows a failure banner when the sheet becomes private', async () => {
    s.google.setSheet(big, tab(bigCsv(20_000)), { private: true });
    await page.getByRole('button', { name: 'Sync Acme Corp now' }).click();
    const banner = page.getByRole('alert').filter({ hasText: 'Sync failed: Acme Corp.' });
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toContain('SHEET_NOT_PUBLIC');
    await page.getByRole('link', { name: /^Notifications, [1-9]\d* unread$/ }).waitFor();
  });

  it('approves a held mass delete', async () => {
    s.google.setSheet(big, tab(bigCsv(2000)), { contentLength: true });
    await page.getByRole('button', { name: 'Sync Acme Corp now' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Mass delete held: Acme Corp.' })
      .waitFor({ timeout: 20_000 });
    const approve = page.getByRole('button', { name: 'Approve deletion' });
    await approve.waitFor();
    expect(await page.locator('.review').textContent()).toContain('18,000');
    await approve.click();
    await page.getByText('Approved: a new sync is queued.').waitFor();
    await page.getByRole('cell', { name: 'approval' }).first().waitFor({ timeout: 20_000 });
    await page.getByText('Synced', { exact: true }).first().waitFor({ timeout: 20_000 });
    await page.getByRole('cell', { name: '18,000' }).first().waitFor({ timeout: 10_000 });
    publishScreenshot(await screenshot(page, '04-customer'), 'customer');
  });

  it('finds a lead by search', async () => {
    await page.getByRole('link', { name: 'Leads', exact: true }).click();
    await page.getByText('2,000 leads').waitFor();
    await page.getByLabel('Search leads').fill('person1234@');
    await page.getByRole('cell', { name: 'person1234@example.com' }).waitFor();
    expect(await page.locator('table.leads tbody tr').count()).toBe(1);
    await screenshot(page, '05-leads');
  });

  it('shows every customer on the overview', async () => {
    const api = createLeadsApi({ baseUrl: s.url, token: E2E_TOKEN });
    for (const [n, name, isPrivate] of [
      [2, 'Globex', false],
      [3, 'Initech', true],
      [4, 'Umbrella', false],
    ] as const) {
      s.google.setSheet(sheetIdOf(n), tab(bigCsv(50 * n)), { private: isPrivate });
      await api.createCustomer({ name, sheetUrl: sheetLink(sheetIdOf(n)) });
    }
    await page.getByRole('link', { name: 'Customers', exact: true }).click();
    await page
      .getByRole('row', { name: /Initech/ })
      .getByText('Failed')
      .waitFor({ timeout: 15_000 });
    await page
      .getByRole('row', { name: /Umbrella/ })
      .getByText('Synced')
      .waitFor({ timeout: 15_000 });
    await page.locator('table.overview tbody tr').nth(3).waitFor();
    publishScreenshot(await screenshot(page, '06-overview'), 'overview');
  });
});
