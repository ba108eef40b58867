import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeadsApi } from '../../web/client/index.js';
import { buildDashboardIfNeeded, chromiumAvailable, launchChromium, screenshot } from './browser.js';
import { bigCsv, E2E_TOKEN, sheetIdOf, sheetLink, startE2eService, type E2eService } from './service.js';

/**
 * Issue 14 in the browser: the customer page turns push on, shows the push URL and the Apps
 * Script once, and a push from outside (no token) starts a run the history shows as `push`.
 */
describe.runIf(chromiumAvailable())('push URL on the customer page', () => {
  let s: E2eService;
  let browser: Browser;
  let page: Page;
  let customerId = '';

  beforeAll(async () => {
    buildDashboardIfNeeded();
    [s, browser] = await Promise.all([startE2eService(), launchChromium()]);
    s.google.setSheet(sheetIdOf(90), [{ gid: '0', title: 'Sheet1', csv: bigCsv(5) }]);
    const api = createLeadsApi({ baseUrl: s.url, token: E2E_TOKEN });
    customerId = (await api.createCustomer({ name: 'Pushy Ltd', sheetUrl: sheetLink(sheetIdOf(90)) })).id;
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => console.error('browser error:', e.message));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('shows the push URL and the Apps Script once, and a push starts a run', async () => {
    await page.goto(s.url);
    await page.getByLabel('API token').fill(E2E_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${s.url}/#/customers/${customerId}`);
    await page.getByRole('heading', { name: 'Pushy Ltd' }).waitFor();
    await page.getByText('Push is off').waitFor();
    await page.getByLabel('Debounce (seconds)').fill('0');
    await page.getByRole('button', { name: 'Turn on push' }).click();

    const field = page.getByLabel('Push URL', { exact: true });
    await field.waitFor();
    const pushUrl = await field.inputValue();
    expect(pushUrl).toMatch(new RegExp(`^${s.url}/api/push/${customerId}/[A-Za-z0-9_-]{43}$`));
    const script = await page.getByLabel('Apps Script').textContent();
    expect(script).toContain(`const LEADSYNC_PUSH_URL = '${pushUrl}';`);
    expect(script).toContain('UrlFetchApp.fetch(LEADSYNC_PUSH_URL');
    expect(script).toContain('.onChange().create()');
    expect(await page.locator('[aria-label="New push URL"] ol li').count()).toBe(3);
    await page.getByText(/Push is on/).waitFor();
    await screenshot(page, 'push-url-shown-once');

    // The sheet's script calls it with no token at all.
    s.google.setSheet(sheetIdOf(90), [{ gid: '0', title: 'Sheet1', csv: bigCsv(6) }]);
    const answer = await fetch(pushUrl, { method: 'POST' });
    expect(answer.status).toBe(202);
    await page.reload();
    await page.getByRole('heading', { name: 'Pushy Ltd' }).waitFor();
    await page.getByRole('cell', { name: 'push', exact: true }).first().waitFor({ timeout: 20_000 });

    // Shown once: after a reload the page knows push is on, but not the URL.
    await page.getByText(/Push is on/).waitFor();
    expect(await page.getByLabel('Push URL', { exact: true }).count()).toBe(0);
    expect(await page.content()).not.toContain(pushUrl);
    await page.getByRole('button', { name: 'New push URL' }).waitFor();
  });
});
