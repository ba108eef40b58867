import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncRun } from '../../src/db/sync-runs.repository.js';
import { createCustomer, findCustomerByName } from '../../src/db/customers.repository.js';
import { countLeads } from '../../src/db/leads.repository.js';
import { listRuns } from '../../src/db/sync-runs.repository.js';
import { startLeadsync, type LeadsyncProcess } from '../service/worker-process.js';
import { until } from '../service/until.js';
import { generatedSheet } from '../sync/generated-sheet.js';
import { useSyncBed } from '../sync/support.js';
import { jsonOf, leadsync, sheetLink } from './support.js';

const BIG = 4000;
const OTHER = 3000;

/**
 * A CLI sync beside a running service on one SQLite file: the service's worker syncs another
 * customer at the same time, and neither process sees a locked database, a failed claim or a
 * second run. SQLite only: on PostgreSQL the processes share no file lock.
 */
describe('leadsync sync beside leadsync serve on one SQLite file', () => {
  const bed = useSyncBed('sqlite');
  let service: LeadsyncProcess | null = null;
  const env = () => ({
    DATABASE_URL: bed.url,
    GOOGLE_SHEETS_BASE_URL: bed.fake.baseUrl,
    GOOGLE_SHEETS_API_BASE_URL: bed.fake.apiBaseUrl,
    LEADSYNC_ALLOW_HOSTS: '127.0.0.1',
    LEADSYNC_ADMIN_TOKEN: 'beside-service-token-0123456789',
    LEADSYNC_FETCH_RETRIES: '0',
    LEADSYNC_POLL_INTERVAL_MS: '50',
    LEADSYNC_LEASE_MS: '3000',
    // Small batches: both write transactions last long enough to overlap.
    LEADSYNC_BATCH_SIZE: '100',
    PORT: '0',
  });
  beforeAll(async () => {
    service = await startLeadsync(['serve'], env());
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('syncs a few thousand rows while the service syncs another customer, without a lock error', async () => {
    const sheet = '1Beside' + 'B'.repeat(30);
    bed.fake.setSheet(sheet, [{ gid: '0', title: 'Leads', csv: generatedSheet(BIG) }]);
    // Created now, due at once: the service's worker takes it on its next poll. Its sheet comes
    // slowly, so that run (its progress writes, its heartbeat) spans the CLI's whole run.
    const otherSheet = '1Beside' + 'O'.repeat(30);
    bed.fake.setSheet(otherSheet, [{ gid: '0', title: 'Leads', csv: generatedSheet(OTHER) }]);
    bed.fake.fault(otherSheet, { slowBody: { chunkBytes: 16_384, delayMs: 40 } });
    const other = await createCustomer(
      bed.db,
      {
        name: 'other',
        sheetUrl: sheetLink(otherSheet),
        sourceKind: 'google_export',
        spreadsheetId: otherSheet,
        gid: '0',
      },
      new Date(),
    );

    const cli = await leadsync(['sync', sheetLink(sheet), '--customer', 'big', '--json'], {
      databaseUrl: bed.url,
      fake: bed.fake,
      env: { ...env(), PORT: '3000' },
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(jsonOf<SyncRun>(cli)).toMatchObject({ outcome: 'success', trigger: 'cli', rowsInserted: BIG });

    const otherRuns = await until(
      () => listRuns(bed.db, { customerId: other.id, limit: 10 }),
      (runs) => runs[0]?.outcome != null,
      15_000,
    );
    expect(otherRuns).toMatchObject([{ outcome: 'success', rowsInserted: OTHER }]);

    const big = await findCustomerByName(bed.db, 'big');
    // The service does not sync the CLI's customer again right after (nor beside it): nothing
    // about it is due, so no claim can take it, and it ran once.
    const state = await bed.db
      .selectFrom('lead_sync_states')
      .select(['pendingTrigger', 'claimedTrigger', 'pushRunAt', 'leaseOwner', 'nextRunAt'])
      .where('customerId', '=', big!.id)
      .executeTakeFirstOrThrow();
    expect(state).toMatchObject({
      pendingTrigger: null,
      claimedTrigger: null,
      pushRunAt: null,
      leaseOwner: null,
    });
    expect(Date.parse(state.nextRunAt!)).toBeGreaterThan(Date.now() + 60_000);
    expect(await listRuns(bed.db, { customerId: big!.id, limit: 10 })).toHaveLength(1);
    expect(await countLeads(bed.db, big!.id)).toBe(BIG);

    const [bigRun] = await listRuns(bed.db, { customerId: big!.id, limit: 1 });
    const [otherRun] = otherRuns;
    // The two runs overlapped: each process wrote while the other held or wanted the lock.
    expect(Date.parse(otherRun!.startedAt)).toBeLessThan(Date.parse(bigRun!.finishedAt!));
    expect(Date.parse(bigRun!.startedAt)).toBeLessThan(Date.parse(otherRun!.finishedAt!));
    const logs = `${service!.output()}\n${cli.stderr}`;
    expect(logs).not.toMatch(/database is locked|SQLITE_BUSY|claim failed/i);
  }, 30_000);
});
