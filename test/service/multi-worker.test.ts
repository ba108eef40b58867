import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listRuns, type SyncRun } from '../../src/db/sync-runs.repository.js';
import { leadsCsv, sheetId, startHarness, type Harness } from '../api/harness.js';
import { describeEachDialect } from '../helpers/databases.js';
import { settled } from '../worker/settled.js';
import { until } from './until.js';
import { startLeadsync, type LeadsyncProcess } from './worker-process.js';
import type { LiveEvent } from '../../src/events/event-types.js';
import { heldBody } from '../fake-google/server.js';

const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;
/** Long enough that a busy machine's late heartbeat loses no lease (the survivor's 20,000-row sync). */
const LEASE_MS = 3000;
/**
 * The lease of the worker the kill test kills: shorter, so the survivor waits less for it to run
 * out. It only ever runs small syncs and the first second of the big one (beats every 500 ms).
 */
const VICTIM_LEASE_MS = 1500;
const CUSTOMERS = 50;

/**
 * Two real worker processes on one PostgreSQL database: claims are exclusive (SKIP LOCKED and
 * leases), and a worker killed with SIGKILL mid-transaction loses nothing and duplicates nothing.
 */
describeEachDialect(
  'two worker processes',
  (dialect) => {
    let h: Harness;
    let workers: LeadsyncProcess[] = [];
    let env: Record<string, string> = {};
    beforeAll(async () => {
      h = await startHarness(dialect);
      env = {
        DATABASE_URL: h.t.url,
        GOOGLE_SHEETS_BASE_URL: h.google.baseUrl,
        GOOGLE_SHEETS_API_BASE_URL: h.google.apiBaseUrl,
        LEADSYNC_ALLOW_HOSTS: '127.0.0.1',
        LEADSYNC_FETCH_RETRIES: '0',
        LEADSYNC_POLL_INTERVAL_MS: '50',
        LEADSYNC_LEASE_MS: String(LEASE_MS),
        LEADSYNC_WORKER_CONCURRENCY: '4',
        // The fake Google has no quota; the default 300/min would pace the second round of 50.
        LEADSYNC_GOOGLE_PROJECT_RATE_PER_MINUTE: '60000',
        // Small batches make the kill test's write transaction long enough to be caught mid-way.
        LEADSYNC_BATCH_SIZE: '100',
      };
      workers = await Promise.all([
        startLeadsync(['worker'], env),
        startLeadsync(['worker'], { ...env, LEADSYNC_LEASE_MS: String(VICTIM_LEASE_MS) }),
      ]);
    });
    afterAll(async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await h?.close();
    });

    const allRuns = async (customerId: string) =>
      (await listRuns(h.t.db, { customerId, limit: 100 })).reverse();
    const finished = (runs: SyncRun[]) => runs.filter((r) => r.outcome !== null);

    /** Runs of one customer never overlap in time. */
    const expectNoOverlap = (runs: SyncRun[]) => {
      for (let i = 1; i < runs.length; i++) {
        expect(Date.parse(runs[i - 1]!.finishedAt!)).toBeLessThanOrEqual(Date.parse(runs[i]!.startedAt));
      }
    };

    it('syncs each of 50 customers exactly once per due time, never twice at once, on both workers', async () => {
      const ids: string[] = [];
      for (let n = 0; n < CUSTOMERS; n++) {
        h.google.setSheet(sheetId(100 + n), [{ gid: '0', title: 'Leads', csv: leadsCsv(5 + (n % 7)) }]);
        const res = await h.call('POST', '/api/customers', {
          name: `Customer ${n}`,
          sheetUrl: link(100 + n),
        });
        expect(res.statusCode).toBe(201);
        ids.push(res.json().id as string);
      }
      const settle = async (perCustomer: number) => {
        for (const id of ids)
          await until(
            () => allRuns(id),
            (runs) => finished(runs).length >= perCustomer,
            20_000,
          );
        // Settled (no lease held, nothing queued, next run minutes away): no further run of any of
        // them can start on its own, so a second claim would be among the runs counted below.
        for (const id of ids) await settled(h.t.db, id);
        const runs = await Promise.all(ids.map(allRuns));
        for (const [i, r] of runs.entries()) {
          expect(r.length, `runs of customer ${i}`).toBe(perCustomer);
          expect(r.every((run) => run.outcome === 'success' || run.outcome === 'unchanged')).toBe(true);
          expectNoOverlap(r);
        }
        return runs.flat();
      };

      const first = await settle(1);
      expect(first.every((r) => r.trigger === 'create')).toBe(true);
      expect(new Set(first.map((r) => r.workerId))).toEqual(new Set(workers.map((w) => w.workerId)));

      // The next due time, for everyone at once (as after ten minutes).
      await sql`UPDATE lead_sync_states SET "nextRunAt" = ${new Date().toISOString()}`.execute(h.t.db);
      const both = await settle(2);
      expect(both.filter((r) => r.trigger === 'schedule')).toHaveLength(CUSTOMERS);
      expect(new Set(both.map((r) => r.workerId)).size).toBe(2);
      // No one is left holding a lease, and every customer's next run is one interval away.
      const states = await h.t.db.selectFrom('lead_sync_states').selectAll().execute();
      expect(states.filter((s) => s.leaseOwner !== null)).toEqual([]);
      for (const s of states)
        expect(Date.parse(String(s.nextRunAt))).toBeGreaterThan(Date.now() + 9 * 60_000);
    });

    it('takes a customer back after its worker is killed mid-transaction: no lead lost or duplicated', async () => {
      const ROWS = 20_000;
      const n = 900;
      h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv: leadsCsv(ROWS) }]);
      h.google.fault(sheetId(n), { slowBody: { chunkBytes: 64 * 1024, delayMs: 20 } }, { times: 1 });
      const events: LiveEvent[] = [];
      const unsubscribe = h.bus.subscribe((e) => events.push(e));
      const admin = new pg.Client({ connectionString: h.t.url });
      await admin.connect();
      const [survivor, victim] = workers as [LeadsyncProcess, LeadsyncProcess];
      try {
        // The survivor sleeps (SIGSTOP) while the customer is created, so the victim (the short
        // lease) claims it. It is idle then (every customer settled): it holds nothing the victim needs.
        survivor.child.kill('SIGSTOP');
        let started: LiveEvent | undefined;
        let id: string;
        try {
          const res = await h.call('POST', '/api/customers', { name: 'Big', sheetUrl: link(n) });
          id = res.json().id as string;
          started = await until(
            async () => events.find((e) => e.type === 'run-started' && e.customerId === id),
            (e) => e !== undefined,
          );
        } finally {
          survivor.child.kill('SIGCONT');
        }
        expect(started).toMatchObject({ workerId: victim.workerId });
        // Wait until the sync's write transaction has been open a while (it has written batches).
        await until(
          async () =>
            (
              await admin.query<{ n: string }>(
                `SELECT count(*) AS n FROM pg_stat_activity
                  WHERE datname = current_database() AND backend_xid IS NOT NULL
                    AND pid <> pg_backend_pid() AND now() - xact_start > interval '150 milliseconds'`,
              )
            ).rows[0]!.n,
          (count) => count === '1',
          15_000,
          5,
        );
        const killedAt = Date.now();
        victim.child.kill('SIGKILL');
        expect(await victim.exited).toBe('SIGKILL');
        // PostgreSQL notices the closed socket and rolls the transaction back: nothing was committed.
        await until(
          async () =>
            (
              await admin.query<{ n: string }>(
                `SELECT count(*) AS n FROM pg_stat_activity
                  WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`,
              )
            ).rows[0]!.n,
          (count) => count === '0',
        );
        const partial = await admin.query<{ n: string }>(
          `SELECT count(*) AS n FROM leads WHERE "customerId" = $1`,
          [id],
        );
        expect(partial.rows[0]!.n).toBe('0');

        // The survivor takes the customer once the lease has expired, closes the dead run, and syncs.
        const runs = await until(
          () => allRuns(id),
          (r) => r.some((run) => run.outcome === 'success'),
          20_000,
        );
        expect(runs).toHaveLength(2);
        expect(runs[0]).toMatchObject({
          trigger: 'create',
          outcome: 'failed',
          error: { code: 'WORKER_LOST' },
          workerId: victim.workerId,
        });
        expect(runs[0]!.finishedAt).not.toBeNull();
        expect(runs[1]).toMatchObject({
          trigger: 'create',
          outcome: 'success',
          rowsInserted: ROWS,
          workerId: survivor.workerId,
        });
        // Not before the dead worker's last heartbeat ran out (beats come every third of the lease).
        expect(Date.parse(runs[1]!.startedAt)).toBeGreaterThanOrEqual(
          killedAt + (VICTIM_LEASE_MS * 2) / 3 - 100,
        );
        const leads = await admin.query<{ total: string; keys: string; emails: string }>(
          `SELECT count(*) AS total, count(DISTINCT "externalKey") AS keys, count(DISTINCT email) AS emails
             FROM leads WHERE "customerId" = $1 AND "deletedAt" IS NULL`,
          [id],
        );
        expect(leads.rows[0]).toEqual({ total: String(ROWS), keys: String(ROWS), emails: String(ROWS) });
        // The run's row is committed before the survivor gives its lease back: wait for that.
        const status = await until(
          async () =>
            (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json<{ isRunning: boolean }>(),
          (s) => !s.isRunning,
        );
        expect(status).toMatchObject({ status: 'success', isRunning: false });
      } finally {
        unsubscribe();
        await admin.end();
      }
    });

    it('stops gracefully on SIGTERM mid-sync: run cancelled, lease released, run served again', async () => {
      const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
      expect(alive).toHaveLength(1);
      const n = 901;
      h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv: leadsCsv(5000) }]);
      // The download stops after its first bytes, so the signal arrives while it is under way; it
      // is let go once the worker has exited (the next worker gets the whole sheet).
      const held = heldBody(2000);
      h.google.fault(sheetId(n), held.fault, { times: 1 });
      const id = (await h.call('POST', '/api/customers', { name: 'Stopped', sheetUrl: link(n) })).json()
        .id as string;
      await until(
        () => allRuns(id),
        (r) => r.length === 1,
      );
      const stoppedAt = Date.now();
      alive[0]!.child.kill('SIGTERM');
      expect(await alive[0]!.exited).toBe(0);
      held.release();
      expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS);
      const [run] = await allRuns(id);
      expect(run).toMatchObject({ outcome: 'cancelled', error: { code: 'SYNC_CANCELLED' } });
      const state = await h.t.db
        .selectFrom('lead_sync_states')
        .select(['leaseOwner', 'pendingTrigger'])
        .where('customerId', '=', id)
        .executeTakeFirstOrThrow();
      expect(state).toEqual({ leaseOwner: null, pendingTrigger: 'create' });
      const next = await startLeadsync(['worker'], env);
      workers.push(next);
      const runs = await until(
        () => allRuns(id),
        (r) => r.length === 2 && r[1]!.outcome !== null,
        20_000,
      );
      expect(runs[1]).toMatchObject({ trigger: 'create', outcome: 'success', workerId: next.workerId });
    });
  },
  ['postgres'],
);
