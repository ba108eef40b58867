import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { countLeads } from '../../src/db/leads.repository.js';
import { listRuns } from '../../src/db/sync-runs.repository.js';
import { Worker } from '../../src/worker/worker.js';
import { describeEachDialect } from '../helpers/databases.js';
import { until } from '../service/until.js';
import { leadsCsv, sheetId, startHarness, type Harness } from './harness.js';
import { heldBody } from '../fake-google/server.js';

const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;

describeEachDialect('approving a held run', (dialect) => {
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
  afterEach(() => h.google.clearFaults());
  afterAll(async () => {
    await worker?.close();
    await h?.close();
  });

  const create = async (name: string, n: number, rows: number) => {
    h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv: leadsCsv(rows) }]);
    const res = await h.call('POST', '/api/customers', { name, sheetUrl: link(n) });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as string;
    await until(
      () => listRuns(h.t.db, { customerId: id, limit: 1 }),
      (runs) => runs[0]?.outcome === 'success',
    );
    return id;
  };
  const runsOf = async (id: string) =>
    (await h.call('GET', `/api/leads/sync/runs?customerId=${id}`)).json().runs as {
      id: string;
      trigger: string;
      outcome: string | null;
      rowsDeleted: number;
      pendingDeletes?: number;
      pendingDeleteSample?: { externalKey: string; fullName: string | null; email: string | null }[];
    }[];
  const approve = (runId: string) => h.call('POST', `/api/leads/sync/runs/${runId}/approve`);

  it('holds an emptied sheet, and the approved follow-up run deletes', async () => {
    const id = await create('Emptied', 11, 10);
    h.google.setSheet(sheetId(11), [{ gid: '0', title: 'Leads', csv: 'Name,Email,Company\n' }]);
    expect((await h.call('POST', `/api/leads/sync/trigger?customerId=${id}`)).statusCode).toBe(202);
    const [held] = await until(
      () => runsOf(id),
      (runs) => runs[0]?.outcome === 'needs_review',
    );
    expect(held).toMatchObject({ trigger: 'manual', rowsDeleted: 0, pendingDeletes: 10 });
    // A person sees who would go before approving.
    expect(held?.pendingDeleteSample).toHaveLength(10);
    expect(held?.pendingDeleteSample).toContainEqual({
      externalKey: 'email:person3@example.com',
      fullName: 'Person 3',
      email: 'person3@example.com',
      company: 'Company v1',
    });
    expect(await countLeads(h.t.db, id)).toBe(10);
    // The worker gives the lease back just after recording the run.
    const status = await until(
      async () => (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json(),
      (s) => s.isRunning === false,
    );
    expect(status).toMatchObject({ status: 'needs_review', lastErrorCode: 'MASS_DELETE_HELD' });

    const res = await approve(held!.id);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      success: true,
      message: 'Approval queued',
      customerId: id,
      runId: null,
      status: 'queued',
    });
    const runs = await until(
      () => runsOf(id),
      (r) => r[0]?.trigger === 'approval' && r[0].outcome !== null,
    );
    expect(runs[0]).toMatchObject({ trigger: 'approval', outcome: 'success', rowsDeleted: 10 });
    // The held run keeps its outcome; nothing else ran in between.
    expect(runs.slice(1).map((r) => [r.trigger, r.outcome])).toEqual([
      ['manual', 'needs_review'],
      ['create', 'success'],
    ]);
    expect(await countLeads(h.t.db, id)).toBe(0);
  });

  it('refuses to approve a run that was not held (409 RUN_NOT_APPROVABLE) and queues nothing', async () => {
    const id = await create('Fine', 12, 3);
    const [done] = await runsOf(id);
    const res = await approve(done!.id);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('RUN_NOT_APPROVABLE');
    const status = await until(
      async () => (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json(),
      (s) => s.isRunning === false,
    );
    expect(status.status).toBe('success');
    expect(await runsOf(id)).toHaveLength(1);
  });

  it('refuses to approve a run still in progress (409)', async () => {
    const id = await create('Busy', 13, 3);
    h.google.setSheet(sheetId(13), [{ gid: '0', title: 'Leads', csv: leadsCsv(400, 'v2') }]);
    // The download is held after its first bytes until the approval has been answered.
    const held = heldBody(1000);
    h.google.fault(sheetId(13), held.fault);
    try {
      await h.call('POST', `/api/leads/sync/trigger?customerId=${id}`);
      const [running] = await until(
        () => runsOf(id),
        (r) => r.length === 2 && r[0]?.outcome === null,
      );
      const res = await approve(running!.id);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('RUN_NOT_APPROVABLE');
    } finally {
      held.release();
    }
  });

  it('answers 404 for an unknown or malformed run id', async () => {
    for (const runId of ['01J000000000000000000000AA', 'not-an-id']) {
      const res = await approve(runId);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('RUN_NOT_FOUND');
    }
  });
});
