import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { App } from '../../src/api/context.js';
import { loadConfig } from '../../src/config.js';
import { createCustomer } from '../../src/db/customers.repository.js';
import { LocalEventBus } from '../../src/events/local-bus.js';
import { ServiceMetrics } from '../../src/worker/metrics.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { seriousViolations } from './axe.js';
import { buildDashboardIfNeeded, chromiumAvailable, launchChromium, screenshot } from './browser.js';

const CUSTOMERS = 5000;
const TOKEN = 'scale-admin-token-0123456789';

/**
 * The overview with 5,000 customers: time from navigation to the first page of rows in Chromium,
 * how smoothly it scrolls and pages, and the size of the JavaScript the overview loads (gzip).
 * Figures go to test-results/dashboard.json and the log; they are reported, not asserted (a
 * shared machine's timings say little), but the page must show every customer and pass axe.
 */
describe.runIf(chromiumAvailable())('overview with 5,000 customers', () => {
  let t: TestDatabase;
  let app: App;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    buildDashboardIfNeeded();
    t = await createTestDatabase('sqlite');
    const now = new Date();
    // One transaction: 5,000 customers in a second or two instead of 5,000 commits.
    await t.db.transaction().execute(async (trx) => {
      for (let i = 0; i < CUSTOMERS; i++) {
        const name = `Customer ${String(i).padStart(4, '0')}`;
        await createCustomer(trx, { name, sheetUrl: `https://x.test/${i}.csv`, sourceKind: 'csv_url' }, now);
      }
    });
    const config = loadConfig({ DATABASE_URL: t.url, LEADSYNC_ADMIN_TOKEN: TOKEN });
    const metrics = new ServiceMetrics({ processMetrics: false });
    app = await buildApp({ db: t.db, dialect: 'sqlite', config, bus: new LocalEventBus(), metrics });
    [url, browser] = await Promise.all([app.listen({ port: 0, host: '127.0.0.1' }), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.drop();
  });

  it('paints the first page, scrolls and pages through 5,000 customers, and passes axe', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 }, locale: 'en-GB' });
    await page.addInitScript((token) => window.localStorage.setItem('leadsync.token', token), TOKEN);
    // Paint times measured in the page (polling from the test would wait for a busy main thread).
    await page.addInitScript(() => {
      const marks: Record<string, number> = {};
      Object.assign(window, { renderMarks: marks });
      new MutationObserver(() => {
        if (document.querySelector('table.overview tbody tr')) marks.firstRow ??= performance.now();
      }).observe(document, { childList: true, subtree: true });
    });
    const scripts: string[] = [];
    page.on('response', (r) => r.url().endsWith('.js') && scripts.push(new URL(r.url()).pathname));
    await page.goto(url);
    await page
      .getByText(`${CUSTOMERS.toLocaleString('en-GB')} of ${CUSTOMERS.toLocaleString('en-GB')} customers`)
      .waitFor({
        timeout: 30_000,
      });
    await page.locator('table.overview tbody tr').first().waitFor();
    const firstRowMs = await page.evaluate(() =>
      Math.round((window as unknown as { renderMarks: Record<string, number> }).renderMarks.firstRow ?? 0),
    );
    const apiDoneMs = await page.evaluate(() =>
      Math.round(
        Math.max(
          ...performance
            .getEntriesByType('resource')
            .filter((e) => e.name.includes('/api/') && !e.name.includes('/events'))
            .map((e) => e.startTime + e.duration),
        ),
      ),
    );
    const rowsInDom = await page.locator('table.overview tbody tr').count();
    expect(await page.getByText('Page 1 of 50').count()).toBe(1);

    // Scroll the page of rows top to bottom and back, one frame a step: the frame times it gets.
    const scroll = await page.evaluate(async () => {
      const frames: number[] = [];
      let last = performance.now();
      const height = document.documentElement.scrollHeight - window.innerHeight;
      for (let step = 0; step <= 60; step++) {
        window.scrollTo(0, (height * (step <= 30 ? step : 60 - step)) / 30);
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
      }
      frames.sort((a, b) => a - b);
      return {
        scrollFrameP50Ms: Math.round(frames[Math.floor(frames.length / 2)] ?? 0),
        scrollFrameMaxMs: Math.round(frames.at(-1) ?? 0),
      };
    });
    // Paging: the time from the click to the next page's first row.
    const pageStarted = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('link', { name: 'Customer 0100' }).waitFor();
    const nextPageMs = Math.round((await page.evaluate(() => performance.now())) - pageStarted);
    // Sorting all 5,000 by a column.
    const sortStarted = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: /^Customer/ }).click();
    await page.getByRole('link', { name: 'Customer 4999' }).waitFor();
    const sortMs = Math.round((await page.evaluate(() => performance.now())) - sortStarted);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '07-overview-5000', { fullPage: false });

    const dir = new URL('../../dist/web/assets/', import.meta.url);
    const gzip = (name: string) => gzipSync(readFileSync(new URL(name, dir))).length;
    const all = readdirSync(dir).filter((f) => f.endsWith('.js'));
    const overviewJsGzipBytes = scripts.reduce((sum, p) => sum + gzip(p.split('/').pop() ?? ''), 0);
    const allJsGzipBytes = all.reduce((sum, f) => sum + gzip(f), 0);
    const report = {
      customers: CUSTOMERS,
      rowsInDom,
      apiDoneMs,
      firstRowMs,
      ...scroll,
      nextPageMs,
      sortMs,
      overviewJsGzipBytes,
      allJsGzipBytes,
    };
    console.log(`dashboard: ${JSON.stringify(report)}`);
    mkdirSync(new URL('../../test-results/', import.meta.url), { recursive: true });
    writeFileSync(
      new URL('../../test-results/dashboard.json', import.meta.url),
      `${JSON.stringify(report, null, 2)}\n`,
    );
    await page.close();
  });
});
