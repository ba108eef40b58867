import type { Kysely } from 'kysely';
import { traitsOf } from '../dialect.js';

/**
 * The four tables of database.ts. Column names are camelCase (the seed system's field names);
 * every child row goes with its customer (ON DELETE CASCADE). Primary keys say NOT NULL because
 * SQLite would otherwise accept a null text key. Timestamps carry no database default: code
 * writes them from its injected clock, so tests and both dialects agree.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { columnTypes: t, flagOff } = traitsOf(db);

  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('sheetUrl', 'text', (c) => c.notNull())
    .addColumn('sourceKind', 'text', (c) => c.notNull())
    .addColumn('spreadsheetId', 'text')
    .addColumn('gid', 'text')
    .addColumn('keyColumn', 'text')
    .addColumn('dateOrder', 'text', (c) => c.notNull().defaultTo('DMY'))
    .addColumn('deleteThresholdPercent', 'integer', (c) => c.notNull().defaultTo(50))
    .addColumn('fieldOverrides', t.json)
    // Nullable: a cron schedule leaves it empty.
    .addColumn('scheduleIntervalMinutes', 'integer', (c) => c.defaultTo(10))
    .addColumn('scheduleCron', 'text')
    .addColumn('scheduleTimezone', 'text')
    .addColumn('createdAt', t.timestamp, (c) => c.notNull())
    .addColumn('updatedAt', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('leads')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('customerId', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('origin', 'text', (c) => c.notNull().defaultTo('sheet'))
    .addColumn('externalKey', 'text', (c) => c.notNull())
    .addColumn('rowHash', 'text')
    .addColumn('data', t.json, (c) => c.notNull().defaultTo('{}'))
    .addColumn('fullName', 'text')
    .addColumn('firstName', 'text')
    .addColumn('lastName', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('phoneNormalized', 'text')
    .addColumn('company', 'text')
    .addColumn('jobTitle', 'text')
    .addColumn('source', 'text')
    .addColumn('owner', 'text')
    // Text on both: a date-only cell stays `YYYY-MM-DD`, never shifted to a time zone.
    .addColumn('occurredAt', 'text')
    .addColumn('notes', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('new'))
    .addColumn('score', 'integer')
    .addColumn('convertedAt', t.timestamp)
    .addColumn('sheetRow', 'integer')
    .addColumn('firstSeenAt', t.timestamp, (c) => c.notNull())
    .addColumn('updatedAt', t.timestamp, (c) => c.notNull())
    .addColumn('deletedAt', t.timestamp)
    // Also serves the cascade from customers and the sync's lookups by key.
    .addUniqueConstraint('leads_customerId_externalKey_key', ['customerId', 'externalKey'])
    .execute();
  // Keyset paging: WHERE customerId = ? AND id > ? ORDER BY id.
  await db.schema.createIndex('leads_customerId_id_idx').on('leads').columns(['customerId', 'id']).execute();
  await db.schema
    .createIndex('leads_customerId_email_idx')
    .on('leads')
    .columns(['customerId', 'email'])
    .execute();

  await db.schema
    .createTable('lead_sync_states')
    .addColumn('customerId', 'text', (c) =>
      c.primaryKey().notNull().references('customers.id').onDelete('cascade'),
    )
    .addColumn('isPaused', t.flag, (c) => c.notNull().defaultTo(flagOff))
    .addColumn('pausedReason', 'text')
    .addColumn('isRunning', t.flag, (c) => c.notNull().defaultTo(flagOff))
    .addColumn('syncDuration', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rowsProcessed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rowsInserted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rowsUpdated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rowsDeleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errorCount', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retryCount', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progressPercent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progressPhase', 'text')
    .addColumn('progressMessage', 'text')
    .addColumn('consecutiveFailures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lastSyncAt', t.timestamp)
    .addColumn('lastSuccessAt', t.timestamp)
    .addColumn('lastOutcome', 'text')
    .addColumn('lastErrorCode', 'text')
    .addColumn('lastErrorMessage', 'text')
    .addColumn('lastChecksum', 'text')
    .addColumn('lastBodyHash', 'text')
    .addColumn('lastBodyBytes', t.bigint)
    .addColumn('lastHeaders', t.json)
    .addColumn('rowCount', 'integer')
    .addColumn('leaseOwner', 'text')
    .addColumn('leaseExpiresAt', t.timestamp)
    .addColumn('nextRunAt', t.timestamp)
    .addColumn('pendingTrigger', 'text')
    .addColumn('updatedAt', t.timestamp, (c) => c.notNull())
    .execute();
  // The scheduler's "what is due" scan.
  await db.schema
    .createIndex('lead_sync_states_nextRunAt_idx')
    .on('lead_sync_states')
    .column('nextRunAt')
    .execute();

  await db.schema
    .createTable('lead_sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('customerId', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('startedAt', t.timestamp, (c) => c.notNull())
    .addColumn('finishedAt', t.timestamp)
    .addColumn('durationMs', 'integer')
    .addColumn('rowsProcessed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rowsInserted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rowsUpdated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rowsDeleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rowsUnchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicateKeys', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retryCount', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes', t.bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('checksum', 'text')
    .addColumn('headerRow', 'integer')
    .addColumn('errorCode', 'text')
    .addColumn('errorMessage', 'text')
    .addColumn('pendingDeletes', 'integer')
    .addColumn('details', t.json)
    .addColumn('workerId', 'text')
    .execute();
  // Run history, newest first, per customer and across customers (id breaks ties in a millisecond).
  await db.schema
    .createIndex('lead_sync_runs_customerId_startedAt_idx')
    .on('lead_sync_runs')
    .columns(['customerId', 'startedAt desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('lead_sync_runs_startedAt_idx')
    .on('lead_sync_runs')
    .columns(['startedAt desc', 'id desc'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['lead_sync_runs', 'lead_sync_states', 'leads', 'customers']) {
    await db.schema.dropTable(table).execute();
  }
}
