import { afterAll, beforeAll, expect, it } from 'vitest';
import { countLeads } from '../../src/db/leads.repository.js';
import { listRuns } from '../../src/db/sync-runs.repository.js';
import { Worker } from '../../src/worker/worker.js';
import { describeEachDialect } from '../helpers/databases.js';
import { until } from '../service/until.js';
import { leadsCsv, sheetId, startHarness, type Harness } from './harness.js';

const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;

interface RunJson {
  id: string;
  trigger: string;
  outcome: string | null;
  rowsDeleted: number;
  pendingDeletes?: number;
  deleteSet?: { count: number; sha256: string };
  error: { code: string; message: string } | null;
}

/** An approval applies what a person reviewed: the latest held run, and its delete set or less. */
describeEachDialect('approvals bound to what was reviewed', (dialect) => {
  let h: Harness;
  let worker: Worker;
  beforeAll(async () => {
    h = await startHarness(dialect);
    worker = new Worker({
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

  const setRows = (n: number, rows: number) =>
    h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv: leadsCsv(rows) }]);
  const runsOf = async (id: string) =>
    (await h.call('GET', `/api/leads/sync/runs?customerId=${id}`)).json().runs as RunJson[];
  const idle = (id: string) =>
    until(
      async () => (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json(),
      (s) => s.isRunning === false && s.status !== 'queued',
    );
  const create = async (name: string, n: number, rows: number) => {
    setRows(n, rows);
    const res = await h.call('POST', '/api/customers', { name, sheetUrl: link(n) });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as string;
    await until(
      () => listRuns(h.t.db, { customerId: id, limit: 1 }),
      (runs) => runs[0]?.outcome === 'success',
    );
    return id;
  };
  /** Triggers a run and waits until `count` runs are finished and the customer is idle again. */
  const syncTo = async (id: string, count: number) => {
    expect((await h.call('POST', `/api/leads/sync/trigger?customerId=${id}`)).statusCode).toBe(202);
    const runs = await until(
      () => runsOf(id),
      (r) => r.length === count && r[0]?.outcome !== null,
    );
    await idle(id);
    return runs[0]!;
  };
  const approve = (runId: string) => h.call('POST', `/api/leads/sync/runs/${runId}/approve`);
  const approvedRun = async (id: string, count: number) => {
    const runs = await until(
      () => runsOf(id),
      (r) => r.length === count && r[0]?.trigger === 'approval' && r[0].outcome !== null,
    );
    await idle(id);
    return runs[0]!;
  };

  it('refuses a held run once a later run superseded it (409 RUN_NOT_LATEST), and queues nothing', async () => {
    const id = await create('Superseded', 21, 10);
    setRows(21, 2);
    const first = await syncTo(id, 2);
    expect(first).toMatchObject({ outcome: 'needs_review', pendingDeletes: 8 });
    const second = await syncTo(id, 3);
    expect(second.outcome).toBe('needs_review');

    const res = await approve(first.id);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'RUN_NOT_LATEST', details: { latestRunId: second.id } });
    expect(await runsOf(id)).toHaveLength(3);

    // The sheet is back as it was: the success supersedes the held run too.
    setRows(21, 10);
    expect((await syncTo(id, 4)).outcome).toMatch(/success|unchanged/);
    const late = await approve(second.id);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('RUN_NOT_LATEST');
    expect(await countLeads(h.t.db, id)).toBe(10);
  });

  it('holds the approval run itself when the sheet would now delete more than was approved, deleting nothing', async () => {
    const id = await create('Grew', 22, 10);
    setRows(22, 4);
    const held = await syncTo(id, 2);
    expect(held).toMatchObject({ outcome: 'needs_review', pendingDeletes: 6, deleteSet: { count: 6 } });
    expect(held.deleteSet?.sha256).toMatch(/^[0-9a-f]{64}$/);

    setRows(22, 2);
    expect((await approve(held.id)).statusCode).toBe(202);
    const again = await approvedRun(id, 3);
    expect(again).toMatchObject({
      outcome: 'needs_review',
      rowsDeleted: 0,
      pendingDeletes: 8,
      deleteSet: { count: 8 },
      error: { code: 'MASS_DELETE_HELD', message: 'the sheet changed since the approval: 2 more deletes' },
    });
    expect(await countLeads(h.t.db, id)).toBe(10);

    // The held approval run is now the latest: approving it applies its own (larger) set.
    expect((await approve(again.id)).statusCode).toBe(202);
    expect(await approvedRun(id, 4)).toMatchObject({ outcome: 'success', rowsDeleted: 8 });
    expect(await countLeads(h.t.db, id)).toBe(2);
  });

  it('applies a subset of the approved deletes (a lead came back meanwhile)', async () => {
    const id = await create('Shrank less', 23, 10);
    setRows(23, 4);
    const held = await syncTo(id, 2);
    expect(held.pendingDeletes).toBe(6);

    setRows(23, 5);
    expect((await approve(held.id)).statusCode).toBe(202);
    expect(await approvedRun(id, 3)).toMatchObject({ outcome: 'success', rowsDeleted: 5 });
    expect(await countLeads(h.t.db, id)).toBe(5);
  });

  it('shows one run in detail with its delete set, and 404 for a run that is not there', async () => {
    const id = await create('Detail', 24, 10);
    setRows(24, 1);
    const held = await syncTo(id, 2);
    const res = await h.call('GET', `/api/leads/sync/runs/${held.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: held.id, outcome: 'needs_review', deleteSet: { count: 9 } });
    expect(res.json().warnings).toEqual([]);
    const missing = await h.call('GET', '/api/leads/sync/runs/01J000000000000000000000AA');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('RUN_NOT_FOUND');
  });
});
