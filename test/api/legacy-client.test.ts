import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/db/customers.repository.js';
import { updateSyncState } from '../../src/db/sync-states.repository.js';
import { createCustomerToken } from '../../src/service/admin-token.js';
import { Worker } from '../../src/worker/worker.js';
import { describeEachDialect } from '../helpers/databases.js';
import { until } from '../service/until.js';
import { ADMIN_TOKEN, leadsCsv, sheetId, startHarness, type Harness } from './harness.js';
import { listenOnLoopback, rawRequest } from './raw-http.js';

/**
 * Issue 12: the seed system's front end, pointed at leadsync with only a bearer token added.
 * Its sync panel calls the six /api/leads/sync/* endpoints and GET /api/leads the way that
 * client does — `Content-Type: application/json` on every call (bodiless POSTs included), the
 * customer in `?customerId=` and in `X-Customer-Id`, no `limit` on status/all — over real HTTP,
 * and reads the seed's fields (docs/MIGRATING.md).
 */
type Json = Record<string, unknown>;
type Answer = { status: number; body: Json };

const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;

/** The seed client's calls, as its fetch wrapper makes them. */
function seedClient(baseUrl: string, token: string, headerOnly = false) {
  const call = async (method: 'GET' | 'POST', path: string, customerId?: string): Promise<Answer> => {
    const query = customerId === undefined || headerOnly ? '' : `?customerId=${customerId}`;
    const res = await fetch(`${baseUrl}${path}${query}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
        ...(customerId !== undefined && { 'X-Customer-Id': customerId }),
      },
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  return {
    triggerSync: (id: string) => call('POST', '/api/leads/sync/trigger', id),
    pauseSync: (id: string) => call('POST', '/api/leads/sync/pause', id),
    resumeSync: (id: string) => call('POST', '/api/leads/sync/resume', id),
    getSyncStatus: (id: string) => call('GET', '/api/leads/sync/status', id),
    getAllSyncStatuses: () => call('GET', '/api/leads/sync/status/all'),
    getSyncMetrics: (id?: string) => call('GET', '/api/leads/sync/metrics', id),
    fetchLeads: (id: string) => call('GET', '/api/leads', id),
  };
}

const STATUS_METRICS = [
  'rowCount',
  'syncDuration',
  'rowsProcessed',
  'rowsInserted',
  'rowsUpdated',
  'rowsDeleted',
  'errorCount',
  'retryCount',
];
const DETAIL_FIGURES = STATUS_METRICS.filter((k) => k !== 'rowCount');

/** Every key is there and a number (what the seed's panel formats). */
function expectNumbers(object: unknown, keys: string[]): void {
  const record = object as Json;
  for (const key of keys) expect([key, typeof record[key]]).toEqual([key, 'number']);
}

describeEachDialect("the seed front end's sync calls (issue 12)", (dialect) => {
  let h: Harness;
  let baseUrl: string;
  let seed: ReturnType<typeof seedClient>;
  const ids = { acme: '', broken: '', fresh: '' };
  let acmeToken: string;

  beforeAll(async () => {
    h = await startHarness(dialect);
    baseUrl = `http://127.0.0.1:${await listenOnLoopback(h.app)}`;
    seed = seedClient(baseUrl, ADMIN_TOKEN);
    h.google.setSheet(sheetId(1), [{ gid: '0', title: 'Leads', csv: leadsCsv(5) }]);
    h.google.setSheet(sheetId(2), [{ gid: '0', title: 'Leads', csv: leadsCsv(2) }]);
    h.google.fault(sheetId(2), { redirectToSignIn: true });
    const worker = new Worker({
      db: h.t.db,
      config: h.config,
      bus: h.bus,
      metrics: h.metrics,
      concurrency: 2,
      pollIntervalMs: 20,
      leaseMs: 1000,
      autoPauseFailures: 20,
    });
    worker.start();
    for (const [key, n, name] of [['acme', 1, 'Acme'] as const, ['broken', 2, 'Broken'] as const]) {
      const res = await h.call('POST', '/api/customers', { name, sheetUrl: link(n) });
      ids[key] = res.json().id;
    }
    for (const [id, word] of [
      [ids.acme, 'success'],
      [ids.broken, 'error'],
    ] as const) {
      await until(
        async () => (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json(),
        (s) => s.status === word && s.isRunning === false,
      );
    }
    // Stopped before any assertion, so no retry of Broken changes the figures under them.
    await worker.close();
    // Never synced and not due: nothing queued for it.
    const now = new Date();
    ids.fresh = (
      await createCustomer(h.t.db, { name: 'Fresh', sheetUrl: link(3), sourceKind: 'google_export' }, now)
    ).id;
    await updateSyncState(
      h.t.db,
      ids.fresh,
      { pendingTrigger: null, nextRunAt: new Date(now.getTime() + 3_600_000) },
      now,
    );
    acmeToken = await createCustomerToken(h.t.db, ids.acme, 'seed front end', now);
  }, 30_000);
  afterAll(async () => h?.close());

  describe('status', () => {
    it("reads a synced customer in the seed's words: status, lastError, metrics, progress, customer", async () => {
      const { status, body } = await seed.getSyncStatus(ids.acme);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        customerId: ids.acme,
        status: 'success',
        lastError: null,
        lastErrorCode: null,
        isPaused: false,
        isRunning: false,
        lastSyncAt: expect.any(String),
        lastSuccessAt: expect.any(String),
        customer: { id: ids.acme, name: 'Acme', leadsReportingUrl: link(1) },
        metrics: { rowCount: 5, rowsProcessed: 5, rowsInserted: 5, rowsUpdated: 0, rowsDeleted: 0 },
        progress: { percent: 100 },
      });
      expectNumbers(body.metrics, STATUS_METRICS);
      const progress = body.progress as Json;
      expect(Object.keys(progress).sort()).toEqual(['message', 'percent', 'phase']);
      expect(progress.message === null || typeof progress.message === 'string').toBe(true);
    });

    it('says error for a failed last run, with the message as a string and the code beside it', async () => {
      const { status, body } = await seed.getSyncStatus(ids.broken);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        status: 'error',
        lastErrorCode: 'SHEET_NOT_PUBLIC',
        customer: { id: ids.broken, name: 'Broken', leadsReportingUrl: link(2) },
      });
      expect(body.lastError).toEqual(expect.stringMatching(/\w/));
      expectNumbers(body.metrics, STATUS_METRICS);
    });

    it('says never_synced for a customer that has never run', async () => {
      const { body } = await seed.getSyncStatus(ids.fresh);
      expect(body).toMatchObject({
        status: 'never_synced',
        lastSyncAt: null,
        lastError: null,
        metrics: { rowCount: 0 },
      });
    });

    it('lists every customer without a limit as {total, statuses}, each labelled with its name', async () => {
      const { status, body } = await seed.getAllSyncStatuses();
      expect(status).toBe(200);
      expect(body.total).toBe(3);
      const statuses = body.statuses as Json[];
      const labels = statuses.map((s) => [(s.customer as Json).name, s.status]);
      expect(labels.sort()).toEqual([
        ['Acme', 'success'],
        ['Broken', 'error'],
        ['Fresh', 'never_synced'],
      ]);
      for (const s of statuses) expectNumbers(s.metrics, STATUS_METRICS);
    });
  });

  describe('metrics', () => {
    it("of all customers: customerId 'all', summary, totals and details, rates in percent", async () => {
      const { status, body } = await seed.getSyncMetrics();
      expect(status).toBe(200);
      expect(Date.parse(String(body.timestamp))).not.toBeNaN();
      expect(body).toMatchObject({
        customerId: 'all',
        summary: { totalSyncs: 2, successfulSyncs: 1, failedSyncs: 1, successRate: 50 },
        metrics: {
          totalRowsProcessed: 5,
          totalRowsInserted: 5,
          totalRowsUpdated: 0,
          totalRowsDeleted: 0,
          totalErrors: 1,
          totalRetries: 0,
          errorRate: 50,
        },
        // leadsync's flat fields stay, in the same units.
        successRate: 50,
        errorRate: 50,
      });
      expect((body.summary as Json).avgDuration).toEqual(expect.any(Number));
      const details = body.details as Json[];
      expect(details.map((d) => d.customerId).sort()).toEqual([ids.acme, ids.broken, ids.fresh].sort());
      for (const d of details) {
        expectNumbers(d, DETAIL_FIGURES);
        expect(d).toHaveProperty('lastSuccessAt');
        expect(d).toHaveProperty('lastSyncAt');
      }
      expect(details.find((d) => d.customerId === ids.acme)).toMatchObject({
        rowsInserted: 5,
        lastSuccessAt: expect.any(String),
        lastSyncAt: expect.any(String),
      });
    });

    it('of one customer named by the header alone', async () => {
      const headerOnly = seedClient(baseUrl, ADMIN_TOKEN, true);
      const { status, body } = await headerOnly.getSyncMetrics(ids.acme);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        customerId: ids.acme,
        summary: { totalSyncs: 1, successfulSyncs: 1, failedSyncs: 0, successRate: 100 },
        metrics: { errorRate: 0, totalRowsInserted: 5 },
      });
      expect((body.details as Json[]).map((d) => d.customerId)).toEqual([ids.acme]);
    });
  });

  it('reads leads as {leads, lastSyncAt}, paging kept', async () => {
    const [{ status, body }, state] = await Promise.all([
      seed.fetchLeads(ids.acme),
      seed.getSyncStatus(ids.acme),
    ]);
    expect(status).toBe(200);
    expect(body.leads).toHaveLength(5);
    expect(body.lastSyncAt).toBe(state.body.lastSyncAt);
    expect(body).toMatchObject({ total: 5, nextCursor: null });
  });

  it('gives the current lastSyncAt with a cached page (an unchanged run moves it and changes no lead)', async () => {
    const url = `${baseUrl}/api/leads?customerId=${ids.acme}`;
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const first = (await (await fetch(url, { headers })).json()) as Json;
    const later = new Date(Date.parse(String(first.lastSyncAt)) + 60_000).toISOString();
    await updateSyncState(h.t.db, ids.acme, { lastSyncAt: later }, new Date());
    const res = await fetch(url, { headers });
    expect(res.headers.get('x-cache')).toBe('hit');
    expect(((await res.json()) as Json).lastSyncAt).toBe(later);
  });

  describe('trigger, pause and resume with a JSON content type and no body', () => {
    it('answer {success, message, customerId} besides their own fields', async () => {
      const trigger = await seed.triggerSync(ids.fresh);
      expect(trigger.status).toBe(202);
      expect(trigger.body).toEqual({
        success: true,
        message: expect.any(String),
        customerId: ids.fresh,
        runId: null,
        status: 'queued',
      });
      const pause = await seed.pauseSync(ids.fresh);
      expect(pause.status).toBe(200);
      expect(pause.body).toMatchObject({
        success: true,
        message: expect.any(String),
        customerId: ids.fresh,
        status: 'paused',
        isPaused: true,
      });
      const resume = await seed.resumeSync(ids.fresh);
      expect(resume.status).toBe(200);
      expect(resume.body).toMatchObject({
        success: true,
        message: expect.any(String),
        customerId: ids.fresh,
        isPaused: false,
      });
    });

    it('accept an empty body however it is framed: Content-Length 0, chunked, a charset parameter', async () => {
      const port = Number(new URL(baseUrl).port);
      const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const framings: Record<string, string>[] = [
        { 'content-type': 'application/json', 'content-length': '0' },
        { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        { 'content-type': 'application/json; charset=utf-8' },
      ];
      for (const path of ['trigger', 'pause', 'resume']) {
        for (const framing of framings) {
          const res = await rawRequest(port, 'POST', `/api/leads/sync/${path}?customerId=${ids.fresh}`, {
            ...auth,
            ...framing,
          });
          expect([path, framing, res.status]).toEqual([path, framing, path === 'trigger' ? 202 : 200]);
          expect(JSON.parse(res.body)).toMatchObject({ success: true, customerId: ids.fresh });
        }
      }
    });
  });

  describe('X-Customer-Id', () => {
    it('names the customer without the query parameter', async () => {
      const headerOnly = seedClient(baseUrl, ADMIN_TOKEN, true);
      expect((await headerOnly.getSyncStatus(ids.broken)).body).toMatchObject({ customerId: ids.broken });
      expect((await headerOnly.fetchLeads(ids.acme)).body.leads).toHaveLength(5);
    });

    it('is checked like the query parameter: a malformed id is 400 or 404, never 500', async () => {
      const headerOnly = seedClient(baseUrl, ADMIN_TOKEN, true);
      for (const [value, status, code] of [
        ['not-an-id', 404, 'CUSTOMER_NOT_FOUND'],
        ['00000000-0000-7000-8000-000000000000', 404, 'CUSTOMER_NOT_FOUND'],
        ['x'.repeat(101), 400, 'VALIDATION_FAILED'],
        ['', 400, 'VALIDATION_FAILED'],
      ] as const) {
        for (const call of [headerOnly.getSyncStatus, headerOnly.pauseSync, headerOnly.fetchLeads]) {
          const res = await call(value);
          expect([value.slice(0, 12), res.status, (res.body.error as Json).code]).toEqual([
            value.slice(0, 12),
            status,
            code,
          ]);
        }
      }
    });

    it('must agree with the query parameter when both are sent (400, nothing done)', async () => {
      const res = await fetch(`${baseUrl}/api/leads/sync/pause?customerId=${ids.acme}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${ADMIN_TOKEN}`,
          'X-Customer-Id': ids.broken,
        },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: Json }).error.code).toBe('VALIDATION_FAILED');
      expect((await seed.getSyncStatus(ids.acme)).body.isPaused).toBe(false);
      expect((await seed.getSyncStatus(ids.broken)).body.isPaused).toBe(false);
    });

    it('never lets a customer token reach another customer: 404 as for any customer it cannot see', async () => {
      const mine = seedClient(baseUrl, acmeToken, true);
      expect((await mine.getSyncStatus(ids.acme)).status).toBe(200);
      for (const call of [
        mine.getSyncStatus,
        mine.triggerSync,
        mine.pauseSync,
        mine.resumeSync,
        mine.getSyncMetrics,
        mine.fetchLeads,
      ]) {
        const { status, body } = await call(ids.broken);
        expect(status).toBe(404);
        expect((body.error as Json).code).toBe('CUSTOMER_NOT_FOUND');
      }
      expect((await seed.getSyncStatus(ids.broken)).body.isPaused).toBe(false);
      // status/all takes no customer: the header neither widens nor narrows what a token sees.
      const all = await fetch(`${baseUrl}/api/leads/sync/status/all`, {
        headers: { authorization: `Bearer ${acmeToken}`, 'x-customer-id': ids.broken },
      });
      const page = (await all.json()) as { total: number; statuses: Json[] };
      expect([all.status, page.total, page.statuses.map((s) => s.customerId)]).toEqual([200, 1, [ids.acme]]);
    });
  });

  it('answers errors as {error: {code, message}} (the difference kept on purpose: docs/MIGRATING.md)', async () => {
    const { status, body } = await seed.getSyncStatus('00000000-0000-7000-8000-000000000000');
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'CUSTOMER_NOT_FOUND', message: expect.any(String) } });
  });
});
