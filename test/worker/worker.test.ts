import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { listRuns } from '../../src/db/sync-runs.repository.js';
import { countLeads } from '../../src/db/leads.repository.js';
import { Worker } from '../../src/worker/worker.js';
import { describeEachDialect } from '../helpers/databases.js';
import { settled } from './settled.js';
import { leadsCsv, sheetId, startHarness, type Harness } from '../api/harness.js';
import { heldBody } from '../fake-google/server.js';

const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeEachDialect('worker', (dialect) => {
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
      autoPauseFailures: 3,
    });
    worker.start();
    return worker;
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

  const create = async (name: string, n: number, rows: number) => {
    h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv: leadsCsv(rows) }]);
    const res = await h.call('POST', '/api/customers', { name, sheetUrl: link(n) });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const status = async (id: string) =>
    (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json();

  it('syncs a new customer right away and schedules the next run one interval later', async () => {
    const id = await create('First', 1, 5);
    startWorker();
    const s = await until(
      () => status(id),
      (v) => v.status === 'success',
    );
    expect(s.metrics.rowsInserted).toBe(5);
    expect(Date.parse(s.nextRunAt) - Date.parse(s.lastSyncAt)).toBe(10 * 60_000);
    const runs = await h.call('GET', `/api/leads/sync/runs?customerId=${id}`);
    expect(runs.json().runs).toMatchObject([{ trigger: 'create', outcome: 'success', rowsInserted: 5 }]);
    const leads = (await h.call('GET', `/api/leads?customerId=${id}&limit=2`)).json();
    expect(leads.total).toBe(5);
    expect(leads.leads).toHaveLength(2);
    expect(leads.nextCursor).not.toBeNull();
  });

  it('turns 100 concurrent triggers into one run plus at most one follow-up', async () => {
    const id = await create('Storm', 2, 50);
    startWorker();
    await until(
      () => status(id),
      (v) => v.status === 'success',
    );
    await worker!.close();
    worker = null;
    h.google.fault(sheetId(2), { slowBody: { chunkBytes: 200, delayMs: 20 } });
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => h.call('POST', `/api/leads/sync/trigger?customerId=${id}`)),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 202).length).toBe(30);
    expect(codes.filter((c) => c === 429).length).toBe(70);
    expect(answers.find((a) => a.statusCode === 429)?.headers['retry-after']).toBeDefined();
    startWorker();
    await until(
      () => status(id),
      (v) => v.status === 'success' || v.status === 'unchanged',
    );
    await settled(h.t.db, id);
    const runs = await listRuns(h.t.db, { customerId: id, limit: 100 });
    expect(runs.filter((r) => r.trigger === 'manual').length).toBe(1);
  });

  it('pauses a running sync: cancelled, rolled back, no runs until resume', async () => {
    const id = await create('Paused', 3, 20);
    startWorker();
    await until(
      () => status(id),
      (v) => v.status === 'success',
    );
    const before = await countLeads(h.t.db, id);
    h.google.setSheet(sheetId(3), [{ gid: '0', title: 'Leads', csv: leadsCsv(3000, 'v2') }]);
    // The download stops after its first bytes (until the run is cancelled): the pause lands
    // mid-sync however fast or loaded the machine is, and cancelling aborts the download.
    const held = heldBody(2000);
    h.google.fault(sheetId(3), held.fault, { times: 1 });
    expect((await h.call('POST', `/api/leads/sync/trigger?customerId=${id}`)).statusCode).toBe(202);
    await until(
      () => status(id),
      (v) => v.isRunning === true,
    );
    const paused = await h.call('POST', `/api/leads/sync/pause?customerId=${id}`);
    expect(paused.json()).toMatchObject({ status: 'paused', isPaused: true });
    await until(
      () => listRuns(h.t.db, { customerId: id, limit: 1 }),
      (r) => r[0]?.outcome === 'cancelled',
    );
    held.release();
    expect(await countLeads(h.t.db, id)).toBe(before);
    const refused = await h.call('POST', `/api/leads/sync/trigger?customerId=${id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('SYNC_PAUSED');
    expect((await settled(h.t.db, id)).isPaused).toBe(true);
    expect((await listRuns(h.t.db, { customerId: id, limit: 10 })).length).toBe(2);
    h.google.clearFaults();
    const resumed = (await h.call('POST', `/api/leads/sync/resume?customerId=${id}`)).json();
    expect(resumed.isPaused).toBe(false);
  });

  it('pauses a customer automatically after N failures in a row, with the reason', async () => {
    h.google.fault(sheetId(4), { status: 500 });
    const id = await create('Broken', 4, 1);
    startWorker();
    for (let i = 0; i < 3; i++) {
      await until(
        () => listRuns(h.t.db, { customerId: id, limit: 10 }),
        (r) => r.length > i && r[0]?.outcome !== null,
      );
      if (i < 2)
        expect((await h.call('POST', `/api/leads/sync/trigger?customerId=${id}`)).statusCode).toBe(202);
    }
    const s = await until(
      () => status(id),
      (v) => v.status === 'paused',
    );
    expect(s.pausedReason).toMatch(/after 3 failed syncs/);
    expect(s.lastErrorCode).toBe('SHEET_UNAVAILABLE');
  });
});
