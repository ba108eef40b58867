import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerDashboard } from '../../src/api/dashboard-files.js';
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

describe('a dashboard built while the service runs (issue 16, finding 4)', () => {
  it('is served at the next request, without a restart; before it, / says how to build it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadsync-web-'));
    const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    await registerDashboard(app, dir);
    try {
      const before = await app.inject({ method: 'GET', url: '/' });
      expect(before.statusCode).toBe(200);
      expect(before.body).toContain('The dashboard is not built yet');
      expect(before.body).toContain('without a restart');

      mkdirSync(join(dir, 'assets'));
      writeFileSync(join(dir, 'index.html'), '<div id="root"></div><script src="/assets/a1.js"></script>');
      writeFileSync(join(dir, 'assets/a1.js'), 'console.log(1)');
      expect((await app.inject({ method: 'GET', url: '/' })).body).toContain('/assets/a1.js');
      expect((await app.inject({ method: 'GET', url: '/assets/a1.js' })).body).toBe('console.log(1)');

      // A rebuild replaces both (vite empties dist/web first).
      rmSync(join(dir, 'assets/a1.js'));
      writeFileSync(join(dir, 'index.html'), '<div id="root"></div><script src="/assets/b2.js"></script>');
      writeFileSync(join(dir, 'assets/b2.js'), 'console.log(2)');
      const after = await app.inject({ method: 'GET', url: '/' });
      expect(after.body).toContain('/assets/b2.js');
      expect(after.headers['cache-control']).toBe('no-cache');
      expect((await app.inject({ method: 'GET', url: '/assets/b2.js' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/assets/a1.js' })).statusCode).toBe(404);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
