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
import { buildDashboardIfNeeded, chromiumAvailable, launchChromium, screenshot } from './browser.js';

const CUSTOMERS = 1000;
/** Generous for a shared CI machine; a laptop renders the table in a fraction of this. */
const FIRST_RENDER_BUDGET_MS = 5000;
const TOKEN = 'scale-admin-token-0123456789';

/**
 * The overview with 1,000 customers: time from navigation to the full table in Chromium, and
 * the size of the JavaScript the overview loads (gzip). Both go to test-results/dashboard.json.
 */
describe.runIf(chromiumAvailable())('overview with 1,000 customers', () => {
  let t: TestDatabase;
  let app: App;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    buildDashboardIfNeeded();
    t = await createTestDatabase('sqlite');
    const now = new Date();
    for (let i = 0; i < CUSTOMERS; i++) {
      const name = `Customer ${String(i).padStart(4, '0')}`;
      await createCustomer(t.db, { name, sheetUrl: `https://x.test/${i}.csv`, sourceKind: 'csv_url' }, now);
    }
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

  it('renders every row quickly, loading a small bundle', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    await page.addInitScript((token) => window.localStorage.setItem('leadsync.token', token), TOKEN);
    // Paint times measured in the page (polling from the test would wait for a busy main thread).
    await page.addInitScript(() => {
      const marks: Record<string, number> = {};
      Object.assign(window, { renderMarks: marks });
      new MutationObserver(() => {
        const n = document.querySelectorAll('table.overview tbody tr').length;
        if (n > 0) marks.firstRow ??= performance.now();
        if (n >= 1000) marks.allRows ??= performance.now();
      }).observe(document, { childList: true, subtree: true });
    });
    const scripts: string[] = [];
    page.on('response', (r) => r.url().endsWith('.js') && scripts.push(new URL(r.url()).pathname));
    await page.goto(url);
    await page.waitForFunction(
      (n) => document.querySelectorAll('table.overview tbody tr').length >= n,
      CUSTOMERS,
      {
        timeout: 20_000,
      },
    );
    const marks = await page.evaluate(
      () => (window as unknown as { renderMarks: Record<string, number> }).renderMarks,
    );
    const firstRowMs = Math.round(marks.firstRow ?? 0);
    const firstRenderMs = Math.round(marks.allRows ?? 0);
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
    await screenshot(page, '07-overview-1000', { fullPage: false });

    const dir = new URL('../../dist/web/assets/', import.meta.url);
    const gzip = (name: string) => gzipSync(readFileSync(new URL(name, dir))).length;
    const all = readdirSync(dir).filter((f) => f.endsWith('.js'));
    const overviewJsGzipBytes = scripts.reduce((sum, p) => sum + gzip(p.split('/').pop() ?? ''), 0);
    const allJsGzipBytes = all.reduce((sum, f) => sum + gzip(f), 0);
    const report = {
      customers: CUSTOMERS,
      apiDoneMs,
      firstRowMs,
      firstRenderMs,
      overviewJsGzipBytes,
      allJsGzipBytes,
    };
    console.log(`dashboard: ${JSON.stringify(report)}`);
    mkdirSync(new URL('../../test-results/', import.meta.url), { recursive: true });
    writeFileSync(
      new URL('../../test-results/dashboard.json', import.meta.url),
      `${JSON.stringify(report, null, 2)}\n`,
    );
    expect(firstRenderMs).toBeLessThan(FIRST_RENDER_BUDGET_MS);
    await page.close();
  });
});
