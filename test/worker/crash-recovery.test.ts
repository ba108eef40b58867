import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { claimDueCustomers } from '../../src/db/scheduler.repository.js';
import { insertRun, listRuns } from '../../src/db/sync-runs.repository.js';
import { getSyncState } from '../../src/db/sync-states.repository.js';
import { Worker } from '../../src/worker/worker.js';
import { leadsCsv, sheetId, startHarness, type Harness } from '../api/harness.js';
import { describeEachDialect } from '../helpers/databases.js';
import { until } from '../service/until.js';
import { settled } from './settled.js';
import { heldBody } from '../fake-google/server.js';

const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;
/** The dead worker's lease: short, so the test is quick. The live worker's is longer, so a busy machine cannot make it lose its own. */
const DEAD_LEASE_MS = 300;

/**
 * A worker that dies after claiming leaves a claimed trigger and an open run behind. Whoever
 * claims next must serve that trigger as soon as the lease has expired, not at the next
 * scheduled time, and close the dead run. (The kill -9 test in test/service does this with real
 * processes for a first run; here the run is one asked for between schedules.)
 */
describeEachDialect('recovering from a dead worker', (dialect) => {
  let h: Harness;
  let worker: Worker | null = null;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterEach(async () => {
    await worker?.close();
    worker = null;
  });
  afterAll(async () => h?.close());

  const startWorker = () => {
    worker = new Worker({
      db: h.t.db,
      config: h.config,
      bus: h.bus,
      metrics: h.metrics,
      concurrency: 2,
      pollIntervalMs: 20,
      leaseMs: 2000,
      autoPauseFailures: 20,
    });
    worker.start();
  };

  for (const trigger of ['manual', 'approval'] as const) {
    it(`serves the ${trigger} run whose worker died once the lease expires, and closes the dead run`, async () => {
      const n = trigger === 'manual' ? 41 : 42;
      h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv: leadsCsv(5) }]);
      const id = (
        await h.call('POST', '/api/customers', { name: `Dead ${trigger}`, sheetUrl: link(n) })
      ).json().id as string;
      startWorker();
      await until(
        async () => (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json(),
        (s) => s.status === 'success',
      );
      await worker!.close();
      worker = null;

      // A worker asked to run between schedules claims the customer, starts its run and dies.
      if (trigger === 'manual') await h.call('POST', `/api/leads/sync/trigger?customerId=${id}`);
      else
        await h.t.db
          .updateTable('lead_sync_states')
          .set({ pendingTrigger: 'approval' })
          .where('customerId', '=', id)
          .execute();
      const claimedAt = new Date();
      const claims = await claimDueCustomers(h.t.db, 'dead-worker', {
        leaseMs: DEAD_LEASE_MS,
        limit: 10,
        now: claimedAt,
      });
      expect(claims).toEqual([{ customerId: id, trigger, orphaned: false }]);
      const dead = await insertRun(h.t.db, {
        customerId: id,
        trigger,
        startedAt: claimedAt.toISOString(),
        workerId: 'dead-worker',
      });

      startWorker();
      const runs = await until(
        () => listRuns(h.t.db, { customerId: id, limit: 10 }),
        (r) => r.length === 3 && r[0]!.outcome !== null,
        5_000,
      );
      expect(runs[1]).toMatchObject({ id: dead.id, outcome: 'failed', error: { code: 'WORKER_LOST' } });
      expect(runs[0]).toMatchObject({ trigger, outcome: 'unchanged' });
      expect(Date.parse(runs[0]!.startedAt)).toBeGreaterThanOrEqual(claimedAt.getTime() + DEAD_LEASE_MS);
    });
  }

  it("closes a dead worker's run when its customer is paused, and serves the run after resume", async () => {
    h.google.setSheet(sheetId(43), [{ gid: '0', title: 'Leads', csv: leadsCsv(5) }]);
    const id = (await h.call('POST', '/api/customers', { name: 'Dead paused', sheetUrl: link(43) })).json()
      .id as string;
    // Claimed one lease ago: its lease has run out, as when the worker died that long ago.
    const claimedAt = new Date(Date.now() - DEAD_LEASE_MS - 1);
    const claims = await claimDueCustomers(h.t.db, 'dead-worker', {
      leaseMs: DEAD_LEASE_MS,
      limit: 10,
      now: claimedAt,
    });
    expect(claims).toEqual([{ customerId: id, trigger: 'create', orphaned: false }]);
    const dead = await insertRun(h.t.db, {
      customerId: id,
      trigger: 'create',
      startedAt: claimedAt.toISOString(),
      workerId: 'dead-worker',
    });
    expect((await h.call('POST', `/api/leads/sync/pause?customerId=${id}`)).statusCode).toBe(200);
    const [closed] = await listRuns(h.t.db, { customerId: id, limit: 10 });
    expect(closed).toMatchObject({ id: dead.id, outcome: 'failed', error: { code: 'WORKER_LOST' } });
    expect(closed!.finishedAt).not.toBeNull();

    startWorker();
    await h.call('POST', `/api/leads/sync/resume?customerId=${id}`);
    const runs = await until(
      () => listRuns(h.t.db, { customerId: id, limit: 10 }),
      (r) => r.length === 2 && r[0]!.outcome !== null,
      5_000,
    );
    expect(runs[0]).toMatchObject({ trigger: 'create', outcome: 'success', rowsInserted: 5 });
  });

  it('never runs a customer twice at once when its own lease ran out mid-run (a late heartbeat)', async () => {
    h.google.setSheet(sheetId(44), [{ gid: '0', title: 'Leads', csv: leadsCsv(5) }]);
    const id = (await h.call('POST', '/api/customers', { name: 'Late beat', sheetUrl: link(44) })).json()
      .id as string;
    startWorker();
    await until(
      async () => (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json(),
      (s) => s.status === 'success',
    );
    h.google.setSheet(sheetId(44), [{ gid: '0', title: 'Leads', csv: leadsCsv(400, 'v2') }]);
    // The download stops after 1 KB until the lease has run out under it and the worker has
    // dealt with that (taken the customer again, or cancelled the run for the lost lease).
    const held = heldBody(1000);
    h.google.fault(sheetId(44), held.fault, { times: 1 });
    await h.call('POST', `/api/leads/sync/trigger?customerId=${id}`);
    await until(
      () => listRuns(h.t.db, { customerId: id, limit: 10 }),
      (r) => r.length === 2,
    );
    // The lease runs out under the running sync, as when a heartbeat comes too late.
    await h.t.db
      .updateTable('lead_sync_states')
      .set({ leaseExpiresAt: new Date(Date.now() - 1).toISOString() })
      .where('customerId', '=', id)
      .execute();
    await until(
      async () => ({
        state: await getSyncState(h.t.db, id),
        runs: await listRuns(h.t.db, { customerId: id, limit: 10 }),
      }),
      ({ state, runs }) =>
        runs[0]!.outcome === 'cancelled' || (state?.leaseExpiresAt ?? '') > new Date().toISOString(),
    );
    held.release();
    const runs = await until(
      () => listRuns(h.t.db, { customerId: id, limit: 10 }),
      (r) => r[0]!.outcome === 'success',
      10_000,
    );
    // Once settled (lease given back, nothing queued) no further run can start on its own.
    await settled(h.t.db, id);
    const all = (await listRuns(h.t.db, { customerId: id, limit: 10 })).reverse();
    expect(all.length).toBe(runs.length);
    // The worker is alive: its own run must not be closed as lost while it goes on syncing.
    expect(all.map((r) => r.error?.code)).not.toContain('WORKER_LOST');
    for (let i = 1; i < all.length; i++)
      expect(Date.parse(all[i - 1]!.finishedAt!)).toBeLessThanOrEqual(Date.parse(all[i]!.startedAt));
    // The manual run was served: at once, or again after being cancelled for the lost lease.
    expect(all.slice(1).every((r) => r.trigger === 'manual')).toBe(true);
    expect(all.length).toBeLessThanOrEqual(3);
  });
});
