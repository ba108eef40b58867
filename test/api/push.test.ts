import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactPushSecret } from '../../src/api/push.routes.js';
import { listRuns } from '../../src/db/sync-runs.repository.js';
import { createCustomerToken } from '../../src/service/admin-token.js';
import { Worker } from '../../src/worker/worker.js';
import { describeEachDialect } from '../helpers/databases.js';
import { until } from '../service/until.js';
import { leadsCsv, sheetId, startHarness, type Harness } from './harness.js';

// Issue 14: the sheet's Apps Script calls the push URL on every change; the secret in the URL
// is the only credential, a burst of pushes becomes one run, and a paused customer only counts.
const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;

describeEachDialect('push URLs', (dialect) => {
  let h: Harness;
  let worker: Worker;
  let sheets = 400;
  // The API's and the worker's clock: real time, moved on by a test that would wait out a debounce.
  let skewMs = 0;
  const clock = () => new Date(Date.now() + skewMs);
  beforeAll(async () => {
    h = await startHarness(dialect, {}, { clock });
    worker = new Worker({
      clock,
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
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
  });

  /** A customer whose first run has finished, so later runs are the pushes' own. */
  const customer = async (name: string) => {
    const n = sheets++;
    h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv: leadsCsv(3) }]);
    const res = await h.call('POST', '/api/customers', { name, sheetUrl: link(n) });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as string;
    await idle(id);
    return { id, n };
  };
  const runs = (id: string) => listRuns(h.t.db, { customerId: id, limit: 100 });
  const state = (id: string) =>
    h.t.db
      .selectFrom('lead_sync_states')
      .select(['pushRunAt', 'pendingTrigger', 'claimedTrigger', 'leaseOwner'])
      .where('customerId', '=', id)
      .executeTakeFirstOrThrow();
  /** Every run finished and nothing queued, pushed or leased: no further run can start. */
  const idle = (id: string) =>
    until(
      async () => ({ runs: await runs(id), state: await state(id) }),
      ({ runs: r, state: s }) =>
        r.length > 0 &&
        r.every((run) => run.outcome !== null) &&
        s.pushRunAt === null &&
        s.pendingTrigger === null &&
        s.claimedTrigger === null &&
        s.leaseOwner === null,
      20_000,
    );
  const pushUrlOf = async (id: string, body?: unknown, token?: string) => {
    const res = await h.call('POST', `/api/customers/${id}/push-url`, body, token);
    expect(res.statusCode).toBe(201);
    return res.json<{ pushUrl: string; debounceSeconds: number }>();
  };
  /** The push URL's path, as a caller without any token calls it. */
  const push = (pushUrl: string, method: 'POST' | 'GET' = 'POST') =>
    h.call(method, new URL(pushUrl).pathname, undefined, null);

  it('gives an absolute URL with a 256-bit secret, shown once, stored only as its hash', async () => {
    const { id } = await customer('Shown once');
    const created = await pushUrlOf(id);
    expect(created.debounceSeconds).toBe(10);
    const url = new URL(created.pushUrl);
    expect(url.origin).toBe('http://localhost');
    const [, api, word, customerId, secret] = url.pathname.split('/');
    expect([api, word, customerId]).toEqual(['api', 'push', id]);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await h.t.db
      .selectFrom('push_urls')
      .selectAll()
      .where('customerId', '=', id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(secret);
    const shown = await h.call('GET', `/api/customers/${id}/push-url`);
    expect(shown.json()).toMatchObject({ enabled: true, debounceSeconds: 10, pushCount: 0 });
    expect(shown.body).not.toContain(secret);
  });

  it('turns a burst of 20 pushes into one run, with trigger push', async () => {
    const { id } = await customer('Burst');
    const before = (await runs(id)).length;
    // Long enough that the burst always fits in it; the test then moves the clock past it.
    const { pushUrl } = await pushUrlOf(id, { debounceSeconds: 30 });
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await push(pushUrl));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(202));
    const runAts = new Set(answers.map((a) => a.json().runAt as string));
    expect(answers.every((a) => a.json().queued === true)).toBe(true);
    // One debounced run time for the whole burst, and nothing ran before it.
    expect(runAts.size).toBe(1);
    expect((await runs(id)).length).toBe(before);
    skewMs += 30_000;
    const { runs: after } = await until(
      async () => ({ runs: await runs(id) }),
      (v) => v.runs.length > before && v.runs[0]?.outcome !== null,
      20_000,
    );
    const finished = await idle(id);
    const pushed = finished.runs.slice(0, finished.runs.length - before);
    expect(pushed.length).toBe(1);
    expect(pushed.every((run) => run.trigger === 'push')).toBe(true);
    expect(after[0]?.trigger).toBe('push');
  });

  it('answers 404 to a wrong secret, an unknown customer and a malformed id, and the same for GET', async () => {
    const { id } = await customer('Wrong secret');
    const { pushUrl } = await pushUrlOf(id, { debounceSeconds: 0 });
    const secret = new URL(pushUrl).pathname.split('/')[4] ?? '';
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const path of [
      `/api/push/${id}/${wrong}`,
      `/api/push/${id}/x`,
      `/api/push/00000000-0000-7000-8000-000000000000/${secret}`,
      `/api/push/not-an-id/${secret}`,
    ]) {
      for (const method of ['POST', 'GET'] as const) {
        const res = await h.call(method, path, undefined, null);
        expect({ path, method, status: res.statusCode, code: res.json().error?.code }).toEqual({
          path,
          method,
          status: 404,
          code: 'PUSH_URL_NOT_FOUND',
        });
      }
    }
    expect((await state(id)).pushRunAt).toBeNull();
    expect((await push(pushUrl, 'GET')).statusCode).toBe(202);
  });

  it('stops the old URL when the secret is rotated, and every URL when push is turned off', async () => {
    const { id } = await customer('Rotated');
    const first = await pushUrlOf(id, { debounceSeconds: 300 });
    const second = await pushUrlOf(id, { debounceSeconds: 300 });
    expect(second.pushUrl).not.toBe(first.pushUrl);
    expect((await push(first.pushUrl)).statusCode).toBe(404);
    expect((await push(second.pushUrl)).statusCode).toBe(202);
    const off = await h.call('DELETE', `/api/customers/${id}/push-url`);
    expect(off.statusCode).toBe(204);
    expect((await push(second.pushUrl)).statusCode).toBe(404);
    expect((await h.call('GET', `/api/customers/${id}/push-url`)).json()).toMatchObject({ enabled: false });
  });

  it('records the push of a paused customer and runs nothing', async () => {
    const { id } = await customer('Paused');
    const { pushUrl } = await pushUrlOf(id, { debounceSeconds: 0 });
    expect((await h.call('POST', `/api/leads/sync/pause?customerId=${id}`)).statusCode).toBe(200);
    const before = (await runs(id)).length;
    const res = await push(pushUrl);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ queued: false, runAt: null });
    const shown = (await h.call('GET', `/api/customers/${id}/push-url`)).json();
    expect(shown.pushCount).toBe(1);
    expect(shown.lastPushAt).not.toBeNull();
    // Nothing is waiting that a worker could claim, and nothing ran.
    expect(await state(id)).toMatchObject({ pushRunAt: null, pendingTrigger: null });
    expect((await runs(id)).length).toBe(before);
  });

  it('limits pushes with the per-customer trigger limit (429 with Retry-After)', async () => {
    const { id } = await customer('Limited');
    const { pushUrl } = await pushUrlOf(id, { debounceSeconds: 300 });
    const limit = h.config.service?.rateLimits.triggerPerMinute ?? 30;
    for (let i = 0; i < limit; i++) expect((await push(pushUrl)).statusCode).toBe(202);
    const limited = await push(pushUrl);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('lets a customer token manage its own push URL only, and refuses a debounce past 300 s', async () => {
    const mine = await customer('Token mine');
    const theirs = await customer('Token theirs');
    const token = await createCustomerToken(h.t.db, mine.id, 'push', new Date());
    await pushUrlOf(mine.id, {}, token);
    const other = await h.call('POST', `/api/customers/${theirs.id}/push-url`, {}, token);
    expect(other.statusCode).toBe(404);
    expect(
      (await h.call('POST', `/api/customers/${mine.id}/push-url`, { debounceSeconds: 301 })).statusCode,
    ).toBe(400);
    expect((await h.call('POST', `/api/customers/${mine.id}/push-url`)).statusCode).toBe(201);
  });

  it('starts a run at once with debounce 0, and the lead typed into the sheet shows up', async () => {
    const { id, n } = await customer('Instant');
    const { pushUrl } = await pushUrlOf(id, { debounceSeconds: 0 });
    h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv: leadsCsv(4) }]);
    expect((await push(pushUrl)).statusCode).toBe(202);
    const leads = await until(
      async () => (await h.call('GET', `/api/leads/count?customerId=${id}`)).json(),
      (body: { count: number }) => body.count === 4,
    );
    expect(leads.count).toBe(4);
    expect((await runs(id))[0]?.trigger).toBe('push');
  });
});

describe('push URLs behind LEADSYNC_PUBLIC_URL', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite', { LEADSYNC_PUBLIC_URL: 'https://leads.example.com/' });
  });
  afterAll(async () => h?.close());

  it('are built from it, not from the request', async () => {
    h.google.setSheet(sheetId(499), [{ gid: '0', title: 'Leads', csv: leadsCsv(1) }]);
    const created = await h.call('POST', '/api/customers', { name: 'Public', sheetUrl: link(499) });
    const id = created.json().id as string;
    const res = await h.call('POST', `/api/customers/${id}/push-url`);
    expect(res.json().pushUrl).toMatch(
      new RegExp(`^https://leads\\.example\\.com/api/push/${id}/[A-Za-z0-9_-]{43}$`),
    );
  });
});

describe('the request log', () => {
  it('leaves a push URL’s secret out, as sent or percent-encoded, and other URLs as they are', () => {
    expect(redactPushSecret('/api/push/c1/s3cr3t?x=1')).toBe('/api/push/c1/[secret]?x=1');
    expect(redactPushSecret('/%61pi/%70ush/c1/s3cr3t')).toBe(
      '/%61pi/%70ush/c1/s3cr3t'.replace('s3cr3t', '[secret]'),
    );
    expect(redactPushSecret('/api/customers/c1/push-url')).toBe('/api/customers/c1/push-url');
  });
});
