import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../api/harness.js';
import { buildDashboardIfNeeded } from '../e2e/browser.js';

/** The service serves the built dashboard at `/` (public), and the API keeps its JSON 404s. */
describe('dashboard served by the API', () => {
  let h: Harness;
  beforeAll(async () => {
    buildDashboardIfNeeded();
    h = await startHarness('sqlite');
  });
  afterAll(async () => h?.close());

  it('answers / with index.html, without a token, and serves its hashed assets for a year', async () => {
    const page = await h.call('GET', '/', undefined, null);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['cache-control']).toBe('no-cache');
    const dir = new URL('../../dist/web/assets/', import.meta.url);
    expect(existsSync(dir)).toBe(true);
    const script = readdirSync(dir).find((f) => f.endsWith('.js'));
    const asset = await h.call('GET', `/assets/${script}`, undefined, null);
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('keeps unknown paths and unauthenticated API calls as JSON errors', async () => {
    expect((await h.call('GET', '/no-such-page', undefined, null)).json().error.code).toBe('NOT_FOUND');
    expect((await h.call('GET', '/api/customers', undefined, null)).statusCode).toBe(401);
  });
});
