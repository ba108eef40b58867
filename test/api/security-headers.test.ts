import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { startHarness, type Harness } from './harness.js';

/** The hardening headers every answer carries, pages and API alike. */
function expectHardened(headers: Record<string, unknown>) {
  const csp = String(headers['content-security-policy']);
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
}

describeEachDialect('security headers', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(async () => h?.close());

  it('puts a content security policy and the anti-framing headers on the dashboard', async () => {
    const res = await h.call('GET', '/', undefined, null);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expectHardened(res.headers);
  });

  it('puts them on API answers, errors included, and on /docs', async () => {
    expectHardened((await h.call('GET', '/api/customers')).headers);
    expectHardened((await h.call('GET', '/api/customers', undefined, null)).headers);
    expectHardened((await h.call('GET', '/healthz', undefined, null)).headers);
    const docs = await h.call('GET', '/docs/', undefined, null);
    expect(docs.statusCode).toBeLessThan(400);
    expectHardened(docs.headers);
  });
});
