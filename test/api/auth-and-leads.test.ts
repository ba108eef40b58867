import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCustomer } from '../../src/db/customers.repository.js';
import { createManualLead } from '../../src/db/leads.repository.js';
import { createCustomerToken } from '../../src/service/admin-token.js';
import { describeEachDialect } from '../helpers/databases.js';
import { startHarness, type Harness } from './harness.js';

describeEachDialect('auth, leads and health API', (dialect) => {
  let h: Harness;
  let mine: string;
  let theirs: string;
  let token: string;
  let leadId: string;
  beforeAll(async () => {
    h = await startHarness(dialect);
    const now = new Date();
    mine = (
      await createCustomer(
        h.t.db,
        { name: 'Mine', sheetUrl: 'https://example.com/a.csv', sourceKind: 'csv_url' },
        now,
      )
    ).id;
    theirs = (
      await createCustomer(
        h.t.db,
        { name: 'Theirs', sheetUrl: 'https://example.com/b.csv', sourceKind: 'csv_url' },
        now,
      )
    ).id;
    token = await createCustomerToken(h.t.db, mine, 'test', now);
    leadId = (
      await createManualLead(
        h.t.db,
        mine,
        { fullName: '=HYPERLINK("http://x")', email: 'a@b.c', company: 'Acme, Inc.' },
        now,
      )
    ).id;
    await createManualLead(h.t.db, mine, { fullName: 'Bob', notes: '@mention' }, now);
  });
  afterAll(async () => h?.close());

  it('answers 401 without a token or with a wrong one, on every /api route', async () => {
    for (const token of [null, 'wrong-token']) {
      const res = await h.call('GET', `/api/leads/sync/status?customerId=${mine}`, undefined, token);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
    }
    expect((await h.call('GET', '/healthz', undefined, null)).statusCode).toBe(200);
  });

  it('lets a customer token see only its customer; anything else is 404', async () => {
    expect(
      (await h.call('GET', `/api/leads/sync/status?customerId=${mine}`, undefined, token)).statusCode,
    ).toBe(200);
    const other = await h.call('GET', `/api/leads/sync/status?customerId=${theirs}`, undefined, token);
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('CUSTOMER_NOT_FOUND');
    expect((await h.call('GET', `/api/leads?customerId=${theirs}`, undefined, token)).statusCode).toBe(404);
    expect(
      (await h.call('POST', `/api/leads/sync/trigger?customerId=${theirs}`, undefined, token)).statusCode,
    ).toBe(404);
    const all = (await h.call('GET', '/api/leads/sync/status/all', undefined, token)).json();
    expect(all.total).toBe(1);
    expect(all.statuses.map((s: { customerId: string }) => s.customerId)).toEqual([mine]);
    expect(
      (await h.call('POST', '/api/customers', { name: 'X', sheetUrl: 'https://example.com/x.csv' }, token))
        .statusCode,
    ).toBe(404);
  });

  it('pages statuses for large fleets', async () => {
    const first = (await h.call('GET', '/api/leads/sync/status/all?limit=1')).json();
    expect(first.total).toBe(2);
    expect(first.statuses).toHaveLength(1);
    const second = (
      await h.call('GET', `/api/leads/sync/status/all?limit=1&cursor=${first.nextCursor}`)
    ).json();
    expect(second.statuses).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
  });

  it('caches the first page and the count, and a CRM edit invalidates them', async () => {
    const a = await h.call('GET', `/api/leads?customerId=${mine}`);
    expect(a.headers['x-cache']).toBe('miss');
    expect(a.headers['cache-control']).toBe('private, max-age=300');
    expect(a.json().total).toBe(2);
    expect((await h.call('GET', `/api/leads?customerId=${mine}`)).headers['x-cache']).toBe('hit');
    const count = await h.call('GET', `/api/leads/count?customerId=${mine}`);
    expect(count.json()).toEqual({ customerId: mine, count: 2 });
    const patched = await h.call('PATCH', `/api/leads/${leadId}`, { status: 'won', score: 90 });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ status: 'won', score: 90 });
    const after = await h.call('GET', `/api/leads?customerId=${mine}`);
    expect(after.headers['x-cache']).toBe('miss');
    expect(after.json().leads.find((l: { id: string }) => l.id === leadId).status).toBe('won');
  });

  it('accepts only CRM fields in PATCH and 404s unknown leads', async () => {
    const sheetField = await h.call('PATCH', `/api/leads/${leadId}`, { email: 'x@y.z' });
    expect(sheetField.statusCode).toBe(400);
    expect(sheetField.json().error.code).toBe('VALIDATION_FAILED');
    expect((await h.call('PATCH', `/api/leads/${leadId}`, { score: 1.5 })).statusCode).toBe(400);
    expect((await h.call('PATCH', '/api/leads/not-an-id', { status: 'x' })).statusCode).toBe(404);
    expect((await h.call('PATCH', `/api/leads/${leadId}`, { status: 'x' }, token)).statusCode).toBe(200);
  });

  it('searches leads and escapes formulas in the CSV export', async () => {
    const found = (await h.call('GET', `/api/leads?customerId=${mine}&q=bob`)).json();
    expect(found.total).toBe(1);
    const csv = await h.call('GET', `/api/leads/export.csv?customerId=${mine}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv.body).toContain(`'@mention`);
    expect(csv.body).toContain('"Acme, Inc."');
  });

  it('rejects out-of-range limits and unknown cursors with 400', async () => {
    for (const url of [
      `/api/leads?customerId=${mine}&limit=0`,
      `/api/leads?customerId=${mine}&limit=1001`,
      `/api/leads/sync/runs?customerId=${mine}&limit=abc`,
      `/api/leads/sync/runs?customerId=${mine}&before=zzz`,
    ]) {
      const res = await h.call('GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('reports metrics, readiness, Prometheus text and the OpenAPI document', async () => {
    const m = (await h.call('GET', `/api/leads/sync/metrics?customerId=${mine}`)).json();
    expect(m).toMatchObject({
      customerId: mine,
      summary: { totalSyncs: 0, successRate: 0, avgDuration: 0, p95DurationMs: null },
      metrics: { errorRate: 0 },
      totalSyncs: 0,
      successRate: 0,
      p95DurationMs: null,
    });
    expect((await h.call('GET', '/readyz', undefined, null)).json()).toEqual({
      status: 'ready',
      database: dialect,
    });
    const prom = await h.call('GET', '/metrics', undefined, null);
    expect(prom.body).toContain('leadsync_http_requests_total');
    const docs = await h.call('GET', '/docs/json', undefined, null);
    expect(docs.json().paths['/api/leads/sync/status']).toBeDefined();
  });

  it('answers 404 NOT_FOUND for unknown routes and RUN_NOT_FOUND for unknown runs', async () => {
    expect((await h.call('GET', '/api/nope')).json().error.code).toBe('NOT_FOUND');
    const run = await h.call('POST', '/api/leads/sync/runs/0190a4d2-0000-7000-8000-000000000000/approve');
    expect(run.statusCode).toBe(404);
    expect(run.json().error.code).toBe('RUN_NOT_FOUND');
  });
});
