import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Migrator, NO_MIGRATIONS, sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { dialectOf } from '../../src/db/dialect.js';
import { createCustomer } from '../../src/db/customers.repository.js';
import { MIGRATIONS, migrateToLatest } from '../../src/db/migrate.js';
import { fieldRecord, LEAD_FIELD_TABLE, type LeadFieldName } from '../../src/sheet/lead-fields.js';
import { createTestDatabase, describeEachDialect, useTestDatabase } from '../helpers/databases.js';

const execFileAsync = promisify(execFile);

type Nullability = 'null' | 'not null';
const names = (table: typeof LEAD_FIELD_TABLE) => Object.keys(table) as LeadFieldName[];

/**
 * Every column of database.ts, with whether it may be null. Typed against the table interfaces,
 * so adding a column there without listing it here (and migrating it) fails the typecheck.
 */
const EXPECTED: { [T in keyof Database]: Record<keyof Database[T], Nullability> } = {
  customers: {
    id: 'not null',
    name: 'not null',
    sheetUrl: 'not null',
    sourceKind: 'not null',
    spreadsheetId: 'null',
    gid: 'null',
    keyColumn: 'null',
    dateOrder: 'not null',
    deleteThresholdPercent: 'not null',
    fieldOverrides: 'null',
    notifyEmails: 'null',
    scheduleIntervalMinutes: 'null',
    scheduleCron: 'null',
    scheduleTimezone: 'null',
    createdAt: 'not null',
    updatedAt: 'not null',
  },
  leads: {
    // A lead field (src/sheet/lead-fields.ts) is null when empty, unless it has a default.
    ...fieldRecord(names(LEAD_FIELD_TABLE), (f): Nullability =>
      'default' in LEAD_FIELD_TABLE[f] ? 'not null' : 'null',
    ),
    id: 'not null',
    customerId: 'not null',
    origin: 'not null',
    externalKey: 'not null',
    rowHash: 'null',
    data: 'not null',
    sheetRow: 'null',
    firstSeenAt: 'not null',
    updatedAt: 'not null',
    deletedAt: 'null',
  },
  lead_sync_states: {
    customerId: 'not null',
    isPaused: 'not null',
    pausedReason: 'null',
    isRunning: 'not null',
    syncDuration: 'not null',
    rowsProcessed: 'not null',
    rowsInserted: 'not null',
    rowsUpdated: 'not null',
    rowsDeleted: 'not null',
    errorCount: 'not null',
    retryCount: 'not null',
    progressPercent: 'not null',
    progressPhase: 'null',
    progressMessage: 'null',
    consecutiveFailures: 'not null',
    lastSyncAt: 'null',
    lastSuccessAt: 'null',
    lastOutcome: 'null',
    lastErrorCode: 'null',
    lastErrorMessage: 'null',
    lastChecksum: 'null',
    lastBodyHash: 'null',
    lastBodyBytes: 'null',
    lastHeaders: 'null',
    rowCount: 'null',
    leaseOwner: 'null',
    leaseExpiresAt: 'null',
    nextRunAt: 'null',
    pendingTrigger: 'null',
    lastSourceVersion: 'null',
    revisionSkips: 'not null',
    notModifiedSkips: 'not null',
    googleRequestsSaved: 'not null',
    bytesSaved: 'not null',
    updatedAt: 'not null',
    lastWarnings: 'null',
    approvedRunId: 'null',
    claimedTrigger: 'null',
    pushRunAt: 'null',
    askedAt: 'null',
  },
  lead_sync_runs: {
    id: 'not null',
    customerId: 'not null',
    trigger: 'not null',
    outcome: 'null',
    startedAt: 'not null',
    finishedAt: 'null',
    durationMs: 'null',
    rowsProcessed: 'not null',
    rowsInserted: 'not null',
    rowsUpdated: 'not null',
    rowsDeleted: 'not null',
    rowsUnchanged: 'not null',
    duplicateKeys: 'not null',
    retryCount: 'not null',
    bytes: 'not null',
    checksum: 'null',
    headerRow: 'null',
    errorCode: 'null',
    errorMessage: 'null',
    pendingDeletes: 'null',
    details: 'null',
    workerId: 'null',
    liveLeadsAfter: 'null',
    warnings: 'null',
  },
  lead_sync_held_deletes: {
    customerId: 'not null',
    runId: 'not null',
    externalKey: 'not null',
  },
  change_counter: { id: 'not null', position: 'not null' },
  change_batches: {
    id: 'not null',
    customerId: 'not null',
    position: 'not null',
    runId: 'null',
    at: 'not null',
    changes: 'not null',
    lastSeq: 'not null',
  },
  lead_changes: { batchId: 'not null', seq: 'not null', leadId: 'not null', op: 'not null', fields: 'null' },
  lead_sync_run_days: {
    customerId: 'not null',
    day: 'not null',
    runs: 'not null',
    success: 'not null',
    unchanged: 'not null',
    failed: 'not null',
    needsReview: 'not null',
    cancelled: 'not null',
    timedRuns: 'not null',
    durationMsSum: 'not null',
    rowsProcessed: 'not null',
    rowsInserted: 'not null',
    rowsUpdated: 'not null',
    rowsDeleted: 'not null',
    errors: 'not null',
    retries: 'not null',
  },
  api_tokens: {
    id: 'not null',
    tokenHash: 'not null',
    customerId: 'null',
    label: 'not null',
    createdAt: 'not null',
  },
  push_urls: {
    customerId: 'not null',
    secretHash: 'not null',
    debounceSeconds: 'not null',
    createdAt: 'not null',
    lastPushAt: 'null',
    pushCount: 'not null',
  },
  outbox_events: {
    id: 'not null',
    type: 'not null',
    customerId: 'null',
    payload: 'not null',
    createdAt: 'not null',
    dispatchedAt: 'null',
    claimedBy: 'null',
    claimExpiresAt: 'null',
    mailState: 'null',
    mailedAt: 'null',
  },
  webhooks: {
    id: 'not null',
    url: 'not null',
    events: 'not null',
    customerId: 'null',
    enabled: 'not null',
    secret: 'not null',
    disabledReason: 'null',
    failingSince: 'null',
    createdAt: 'not null',
    updatedAt: 'not null',
  },
  webhook_deliveries: {
    id: 'not null',
    webhookId: 'not null',
    eventId: 'not null',
    eventType: 'not null',
    attempt: 'not null',
    statusCode: 'null',
    latencyMs: 'null',
    error: 'null',
    nextAttemptAt: 'null',
    state: 'not null',
    createdAt: 'not null',
    updatedAt: 'not null',
  },
  notification_reads: { reader: 'not null', lastReadId: 'not null', updatedAt: 'not null' },
  google_quota: { name: 'not null', nextFreeMs: 'not null', sendAtMs: 'not null' },
};

const EXPECTED_INDEXES = [
  'leads_customerId_id_idx',
  'leads_sync_index_idx',
  'lead_sync_states_nextRunAt_idx',
  'lead_sync_runs_customerId_startedAt_idx',
  'lead_sync_runs_startedAt_idx',
  'change_batches_customerId_position_idx',
  'lead_changes_leadId_idx',
];

async function schemaOf(db: Kysely<Database>): Promise<Record<string, Record<string, Nullability>>> {
  const tables = await db.introspection.getTables();
  return Object.fromEntries(
    tables.map((t) => [
      t.name,
      Object.fromEntries(t.columns.map((c) => [c.name, c.isNullable ? 'null' : 'not null'] as const)),
    ]),
  );
}

async function indexNames(db: Kysely<Database>): Promise<string[]> {
  const query =
    dialectOf(db) === 'postgres'
      ? sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()`
      : sql<{ name: string }>`select name from sqlite_master where type = 'index'`;
  return (await query.execute(db)).rows.map((r) => r.name);
}

describeEachDialect('migrations', (dialect) => {
  const fresh = useTestDatabase(dialect, { migrate: false });

  it('bring an empty database to the latest migration, and running them again applies nothing', async () => {
    expect(await migrateToLatest(fresh.db)).toEqual({ applied: Object.keys(MIGRATIONS) });
    expect(await migrateToLatest(fresh.db)).toEqual({ applied: [] });
  });

  it('create every column of database.ts, with its nullability', async () => {
    expect(await schemaOf(fresh.db)).toMatchObject(EXPECTED);
  });

  it('create the indexes that paging, run history and scheduling rely on', async () => {
    expect(await indexNames(fresh.db)).toEqual(expect.arrayContaining(EXPECTED_INDEXES));
  });

  it('leave out the email index no query uses, which every written lead paid for', async () => {
    expect(await indexNames(fresh.db)).not.toContain('leads_customerId_email_idx');
  });

  it('can be undone to an empty schema and applied again', async () => {
    const migrator = new Migrator({
      db: fresh.db,
      provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) },
    });
    const down = await migrator.migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    expect(await fresh.db.introspection.getTables()).toEqual([]);
    expect(await migrateToLatest(fresh.db)).toEqual({ applied: Object.keys(MIGRATIONS) });
    expect(await schemaOf(fresh.db)).toMatchObject(EXPECTED);
  });

  it('rebuild the tables whose keys 0013 makes NOT NULL on SQLite with every row, constraint and cascade kept', async () => {
    const target = await createTestDatabase(dialect, { migrate: false });
    try {
      const migrator = new Migrator({
        db: target.db,
        provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) },
      });
      expect((await migrator.migrateTo('0012-google-quota')).error).toBeUndefined();
      const at = new Date().toISOString();
      const customer = await createCustomer(
        target.db,
        { name: 'Keys', sheetUrl: 'https://example.com/keys.csv', sourceKind: 'csv_url' },
        new Date(),
      );
      const token = { customerId: customer.id, label: 'ops', createdAt: at, tokenHash: 'h1' };
      await target.db
        .insertInto('api_tokens')
        .values({ id: 't1', ...token })
        .execute();
      await target.db
        .insertInto('push_urls')
        .values({ customerId: customer.id, secretHash: 's', debounceSeconds: 5, createdAt: at, pushCount: 3 })
        .execute();
      await target.db
        .insertInto('google_quota')
        .values({ name: 'project', nextFreeMs: 1, sendAtMs: 2 })
        .execute();

      expect(await migrateToLatest(target.db)).toEqual({ applied: ['0013-sqlite-primary-keys-not-null'] });

      expect(await schemaOf(target.db)).toMatchObject(EXPECTED);
      expect(await target.db.selectFrom('api_tokens').select(['id', 'tokenHash']).execute()).toEqual([
        { id: 't1', tokenHash: 'h1' },
      ]);
      expect(
        Number((await target.db.selectFrom('push_urls').selectAll().executeTakeFirst())?.pushCount),
      ).toBe(3);
      expect(await target.db.selectFrom('google_quota').selectAll().execute()).toEqual([
        { name: 'project', nextFreeMs: 1, sendAtMs: 2 },
      ]);
      // A null key, a second token with the same hash: refused, as before the rebuild.
      const nullKey = sql`insert into api_tokens (id, "tokenHash", label, "createdAt") values (null, 'h2', 'x', ${at})`;
      await expect(nullKey.execute(target.db)).rejects.toThrow(/not.null/i);
      await expect(
        target.db
          .insertInto('api_tokens')
          .values({ id: 't2', ...token })
          .execute(),
      ).rejects.toThrow(/unique/i);
      // Removing the customer still takes its token and push URL with it.
      await target.db.deleteFrom('customers').where('id', '=', customer.id).execute();
      expect(await target.db.selectFrom('api_tokens').selectAll().execute()).toEqual([]);
      expect(await target.db.selectFrom('push_urls').selectAll().execute()).toEqual([]);
    } finally {
      await target.drop();
    }
  });

  it('let two processes that start on a fresh database at once both come up, migrating it once', async () => {
    const target = await createTestDatabase(dialect, { migrate: false });
    try {
      const outputs = await Promise.all([migrateInProcess(target.url), migrateInProcess(target.url)]);
      const applied = outputs.flatMap((o) => (JSON.parse(o) as { applied: string[] }).applied);
      expect(applied).toEqual(Object.keys(MIGRATIONS));
      expect(await schemaOf(target.db)).toMatchObject(EXPECTED);
    } finally {
      await target.drop();
    }
  });
});

async function migrateInProcess(url: string): Promise<string> {
  const script = fileURLToPath(new URL('./fixtures/migrate-process.js', import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, [script], {
    env: { ...process.env, DATABASE_URL: url },
  });
  return stdout;
}
