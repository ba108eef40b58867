import { afterAll, beforeAll, expect, it } from 'vitest';
import { leadsCsv, sheetId, startHarness, type Harness } from '../api/harness.js';
import { describeEachDialect } from '../helpers/databases.js';
import { openEventStream, type EventStream } from '../service/sse-client.js';
import { slowLeadInserts } from '../service/slow-writes.js';
import { until } from '../service/until.js';
import { startLeadsync, type LeadsyncProcess } from '../service/worker-process.js';
import { connectPostgresAdmin, databaseOf, type PostgresAdmin } from './postgres-admin.js';

const TOKEN = 'connection-loss-token-0123456789';
const ROWS = 400;

/**
 * A real `leadsync serve` on PostgreSQL whose database drops every connection (what a restart, a
 * failover or pg_terminate_backend does), once mid-apply and down for a while: the process lives
 * on, /readyz follows the database, the sync in flight ends failed with the old leads intact, no
 * customer stays running, LISTEN/NOTIFY comes back, and the next sync succeeds. PostgreSQL
 * only: a SQLite file has no connection to lose.
 */
describeEachDialect(
  'PostgreSQL drops every connection',
  (dialect) => {
    let h: Harness;
    let admin: PostgresAdmin;
    let service: LeadsyncProcess;
    let database: string;
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${service.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const readyz = async () => (await fetch(`${service.url}/readyz`)).status;
    const runsOf = async (id: string) =>
      (await api('GET', `/api/leads/sync/runs?customerId=${id}`)).body.runs as {
        id: string;
        outcome: string | null;
        error: { code: string } | null;
      }[];

    const leadsOf = (id: string) =>
      h.t.db
        .selectFrom('leads')
        .select(['externalKey', 'data'])
        .where('customerId', '=', id)
        .orderBy('externalKey')
        .execute();

    beforeAll(async () => {
      h = await startHarness(dialect);
      database = databaseOf(h.t.url);
      admin = await connectPostgresAdmin();
      service = await startLeadsync(['serve'], {
        DATABASE_URL: h.t.url,
        GOOGLE_SHEETS_BASE_URL: h.google.baseUrl,
        GOOGLE_SHEETS_API_BASE_URL: h.google.apiBaseUrl,
        LEADSYNC_ALLOW_HOSTS: '127.0.0.1',
        LEADSYNC_ADMIN_TOKEN: TOKEN,
        LEADSYNC_FETCH_RETRIES: '0',
        LEADSYNC_POLL_INTERVAL_MS: '50',
        LEADSYNC_LEASE_MS: '3000',
        // Small batches and slow inserts: the write transaction lasts seconds, long enough to be cut.
        LEADSYNC_BATCH_SIZE: '20',
        PORT: '0',
      });
    });
    afterAll(async () => {
      await admin?.allowConnections(database, true).catch(() => {});
      if (process.env.SHOW_SERVICE_LOG) console.info(service?.output());
      await service?.stop();
      await admin?.close();
      await h?.close();
    });

    it('survives it mid-apply: readyz follows the database, the sync fails cleanly, the next one succeeds', async () => {
      h.google.setSheet(sheetId(7), [{ gid: '0', title: 'Leads', csv: leadsCsv(ROWS, 'v1') }]);
      const created = await api('POST', '/api/customers', {
        name: 'Failover',
        sheetUrl: `https://docs.google.com/spreadsheets/d/${sheetId(7)}/edit#gid=0`,
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      await until(
        () => runsOf(id),
        (runs) => runs[0]?.outcome === 'success',
      );
      const before = await leadsOf(id);
      expect(before).toHaveLength(ROWS);

      // Every row of v2 is an update, and every insert statement is slow: the apply takes seconds.
      const undo = await slowLeadInserts(h.t.db, 5);
      h.google.setSheet(sheetId(7), [{ gid: '0', title: 'Leads', csv: leadsCsv(ROWS, 'v2') }]);
      expect((await api('POST', `/api/leads/sync/trigger?customerId=${id}`)).status).toBe(202);
      await until(
        async () => (await api('GET', `/api/leads/sync/status?customerId=${id}`)).body,
        (status) => (status.progress as { phase?: string } | undefined)?.phase === 'applying',
        15_000,
      );
      const [inFlight] = await runsOf(id);
      expect(inFlight?.outcome).toBeNull();

      // Down: every connection ends and none is let in, as while a server restarts.
      await admin.allowConnections(database, false);
      expect(await admin.terminateAll(database)).toBeGreaterThan(0);
      await until(readyz, (status) => status === 503, 10_000);
      expect(service.child.exitCode).toBeNull();
      expect(await readyz()).toBe(503);

      // Up again: ready within seconds.
      await admin.allowConnections(database, true);
      const upAt = Date.now();
      await until(readyz, (status) => status === 200, 10_000);
      const readyMs = Date.now() - upAt;
      console.info(`[postgres] ready ${readyMs} ms after the database came back`);
      expect(readyMs).toBeLessThan(10_000);

      // The sync in flight ended failed with a clear code, and wrote nothing: the old leads stand
      // (the retry it queued is still in its slow apply, uncommitted).
      const cut = await until(
        async () => (await runsOf(id)).find((run) => run.id === inFlight?.id),
        (run) => run?.outcome != null,
        20_000,
      );
      expect(cut).toMatchObject({ outcome: 'failed', error: { code: 'DATABASE_UNAVAILABLE' } });
      expect(await leadsOf(id)).toEqual(before);
      await undo();

      // It was queued again and that run succeeded; nobody stays running.
      const [retried] = await until(
        () => runsOf(id),
        (runs) => runs[0]?.outcome != null && runs[0].id !== inFlight?.id,
        20_000,
      );
      expect(retried).toMatchObject({ outcome: 'success', rowsUpdated: ROWS });
      // Within 5 s, not the 10 s a live report stays fresh: the report the cut run sent before the
      // LISTEN connection dropped (its run-finished was lost) must not keep it "running".
      const state = await until(
        async () => (await api('GET', `/api/leads/sync/status?customerId=${id}`)).body,
        (status) => status.isRunning === false,
        5_000,
      );
      expect(state).toMatchObject({ isRunning: false, status: 'success' });
      const stored = await h.t.db
        .selectFrom('lead_sync_states')
        .select(['isRunning', 'leaseOwner'])
        .where('customerId', '=', id)
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({ isRunning: 0, leaseOwner: null });

      // LISTEN is back: a trigger made in another process (this one) reaches the service's stream.
      const stream: EventStream = await openEventStream(
        `${service.url}/api/leads/sync/events?customerId=${id}`,
        TOKEN,
      );
      try {
        await until(
          async () => {
            await h.call('POST', `/api/leads/sync/trigger?customerId=${id}`);
            return stream.events.map((e) => e.event);
          },
          (events) => events.includes('queued'),
          10_000,
          500,
        );
      } finally {
        stream.close();
      }
      // And that next sync succeeds too.
      await until(
        () => runsOf(id),
        (runs) => runs.length >= 4 && runs[0]?.outcome === 'unchanged',
        20_000,
      );
      expect(service.output()).not.toMatch(/uncaught|unhandled/i);
    }, 90_000);
  },
  ['postgres'],
);
