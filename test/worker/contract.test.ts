import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { listRuns } from '../../src/db/sync-runs.repository.js';
import { Worker } from '../../src/worker/worker.js';
import { leadsCsv, sheetId, startHarness, type Harness } from '../api/harness.js';
import { describeEachDialect } from '../helpers/databases.js';
import { until } from '../service/until.js';
import { settled } from './settled.js';
import { heldBody } from '../fake-google/server.js';

const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;

/** The contract's points about triggers, runs and nextRunAt, checked against a running worker. */
describeEachDialect('worker and API contract', (dialect) => {
  let h: Harness;
  let worker: Worker | null = null;
  const startWorker = () => {
    worker = new Worker({
      db: h.t.db,
      config: h.config,
      bus: h.bus,
      metrics: h.metrics,
      concurrency: 4,
      pollIntervalMs: 20,
      // Nothing here waits for a lease to run out: a long one, so no late heartbeat can lose it.
      leaseMs: 30_000,
      autoPauseFailures: 20,
    });
    worker.start();
  };
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterEach(async () => {
    await worker?.close();
    worker = null;
    h.google.clearFaults();
  });
  afterAll(async () => h?.close());

  const status = async (id: string) =>
    (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json();
  const trigger = (id: string) => h.call('POST', `/api/leads/sync/trigger?customerId=${id}`);
  const runsJson = async (id: string) =>
    (await h.call('GET', `/api/leads/sync/runs?customerId=${id}`)).json().runs as {
      id: string;
      trigger: string;
      outcome: string | null;
      startedAt: string;
      finishedAt: string | null;
      durationMs: number | null;
    }[];
  /** A customer whose first sync is done and whose lease is given back. */
  const synced = async (name: string, n: number, rows: number) => {
    h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv: leadsCsv(rows) }]);
    const res = await h.call('POST', '/api/customers', { name, sheetUrl: link(n) });
    const id = res.json().id as string;
    await until(
      () => status(id),
      (s) => s.status === 'success',
    );
    return id;
  };

  it('coalesces triggers while a run is queued: 202 queued each time, one run', async () => {
    startWorker();
    const id = await synced('Queued', 21, 5);
    await worker!.close();
    worker = null;
    for (let i = 0; i < 3; i++) {
      const res = await trigger(id);
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({
        success: true,
        message: 'Sync queued',
        customerId: id,
        runId: null,
        status: 'queued',
      });
    }
    expect((await status(id)).status).toBe('queued');
    startWorker();
    await until(
      () => listRuns(h.t.db, { customerId: id, limit: 10 }),
      (r) => r.length === 2 && r[0]!.outcome !== null,
    );
    await settled(h.t.db, id);
    const runs = await listRuns(h.t.db, { customerId: id, limit: 10 });
    expect(runs.map((r) => r.trigger)).toEqual(['manual', 'create']);
  });

  it('lists a run from its start with outcome and finishedAt null; triggers meanwhile queue one follow-up', async () => {
    startWorker();
    const id = await synced('Running', 22, 5);
    h.google.setSheet(sheetId(22), [{ gid: '0', title: 'Leads', csv: leadsCsv(600, 'v2') }]);
    // The download stops after 2 KB until the test has seen the run and sent its triggers.
    const held = heldBody(2000);
    h.google.fault(sheetId(22), held.fault, { times: 1 });
    await trigger(id);
    const [running] = await until(
      () => runsJson(id),
      (r) => r.length === 2,
    );
    expect(running).toMatchObject({ trigger: 'manual', outcome: null, finishedAt: null, durationMs: null });
    const view = await until(
      () => status(id),
      (s) => s.isRunning === true,
    );
    expect(view.status).toBe('running');
    const answers = await Promise.all(Array.from({ length: 5 }, () => trigger(id)));
    for (const a of answers) {
      expect(a.statusCode).toBe(202);
      expect(a.json()).toMatchObject({
        success: true,
        customerId: id,
        runId: running!.id,
        status: 'running',
      });
    }
    held.release();
    const runs = await until(
      () => runsJson(id),
      (r) => r.length === 3 && r[0]!.outcome !== null,
    );
    await settled(h.t.db, id);
    expect((await runsJson(id)).map((r) => [r.trigger, r.outcome])).toEqual([
      ['manual', 'unchanged'],
      ['manual', 'success'],
      ['create', 'success'],
    ]);
    // The follow-up started after the run it was queued behind had finished.
    expect(Date.parse(runs[0]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(runs[1]!.finishedAt!));
  });

  it('moves nextRunAt to one interval after a manual run finishes', async () => {
    startWorker();
    const id = await synced('Manual', 23, 5);
    const before = await status(id);
    // The manual run starts after the first one ended and takes more than a millisecond, so its
    // nextRunAt cannot equal the first one's: the change says the lease was given back.
    await trigger(id);
    const [manual] = await until(
      () => runsJson(id),
      (r) => r.length === 2 && r[0]!.outcome !== null,
    );
    const after = await until(
      () => status(id),
      (s) => s.isRunning === false && s.nextRunAt !== before.nextRunAt,
    );
    expect(Date.parse(after.nextRunAt) - Date.parse(manual!.finishedAt!)).toBe(10 * 60_000);
  });

  it('answers 429 with Retry-After in whole seconds once the trigger limit is used up', async () => {
    h.google.setSheet(sheetId(24), [{ gid: '0', title: 'Leads', csv: leadsCsv(1) }]);
    const id = (await h.call('POST', '/api/customers', { name: 'Limited', sheetUrl: link(24) })).json()
      .id as string;
    let res = await trigger(id);
    for (let i = 0; i < 40 && res.statusCode !== 429; i++) res = await trigger(id);
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe('RATE_LIMITED');
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  });
});
