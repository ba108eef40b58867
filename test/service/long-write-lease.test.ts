import { afterAll, beforeAll, expect, it } from 'vitest';
import { countLeads } from '../../src/db/leads.repository.js';
import { listRuns } from '../../src/db/sync-runs.repository.js';
import { startHarness, type Harness } from '../api/harness.js';
import { describeEachDialect } from '../helpers/databases.js';
import { startSlowSync, type SlowSync } from './slow-writes.js';
import { settled } from '../worker/settled.js';
import { until } from './until.js';

// Short enough that the apply lasts several leases, long enough that a loaded 2-core machine
// does not miss a heartbeat (every third of the lease) by scheduling alone: a lease is lost only
// after a stall of two thirds of it. The apply takes at least (ROWS - one batch) × ROW_MS = 3.56 s.
const LEASE_MS = 1000;
const ROWS = 1800;
const ROW_MS = 2;

/**
 * A write phase three times longer than the worker's lease still commits: the lease is renewed
 * while the one write transaction runs (PostgreSQL: the heartbeat on its own connection; SQLite:
 * from inside the transaction), so the worker neither stops itself nor is fenced out.
 */
describeEachDialect('a write longer than the lease', (dialect) => {
  let h: Harness;
  let slow: SlowSync | null = null;
  beforeAll(async () => {
    h = await startHarness(dialect, { LEADSYNC_BATCH_SIZE: '20', LEADSYNC_LEASE_MS: String(LEASE_MS) });
  });
  afterAll(async () => {
    await slow?.stop();
    await h?.close();
  });

  it('commits, once, without losing the lease', async () => {
    const logs: string[] = [];
    slow = await startSlowSync(h, {
      name: 'Long',
      rows: ROWS,
      rowMs: ROW_MS,
      leaseMs: LEASE_MS,
      log: (message) => logs.push(message),
    });
    const { worker, customerId: id, writeTimes } = slow;

    // The status route says whether the lease is live, as any other process would see it.
    const seen: { at: number; running: boolean }[] = [];
    const [run] = await until(
      async () => {
        const status = (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json();
        seen.push({ at: performance.now(), running: status.isRunning });
        return listRuns(h.t.db, { customerId: id, limit: 10 });
      },
      (runs) => runs[0]?.outcome != null,
      30_000,
    );
    const [applyStart, applyEnd] = [writeTimes[0]!, writeTimes.at(-1)!];
    const applyMs = applyEnd - applyStart;
    const during = seen.filter((s) => s.at > applyStart && s.at < applyEnd);
    const notRunning = during.filter((s) => !s.running).length;
    console.info(
      `[${dialect}] ${notRunning} of ${during.length} status answers during the apply said not running`,
    );
    expect(during.length).toBeGreaterThan(5);
    // On SQLite the lease is renewed inside the write transaction, which the API's reader cannot
    // see until it commits; the sync's live reports (LiveProgress) keep it running all the same.
    expect(notRunning).toBe(0);
    console.info(`[${dialect}] apply ${applyMs.toFixed(0)} ms with a ${LEASE_MS} ms lease`);
    expect(applyMs).toBeGreaterThan(3 * LEASE_MS);
    expect(run).toMatchObject({ outcome: 'success', rowsInserted: ROWS, error: null });
    expect(await countLeads(h.t.db, id)).toBe(ROWS);

    // Nothing more can happen: once the customer is settled (lease given back, nothing queued,
    // next run 10 minutes away) no run can start on its own, and once the worker's run has ended
    // (its promise, log included, settled) it has nothing left to log. No second run, no stop,
    // nothing logged.
    await settled(h.t.db, id);
    await until(
      async () => worker.active,
      (active) => active.length === 0,
    );
    expect(await listRuns(h.t.db, { customerId: id, limit: 10 })).toHaveLength(1);
    expect(logs).toEqual([]);
  });
});
