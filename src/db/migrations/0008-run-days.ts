import type { Kysely } from 'kysely';
import { traitsOf } from '../dialect.js';

/**
 * Daily totals of the runs that retention removed (src/db/retention.repository.ts): a customer
 * keeps its last runs one by one, and what its older runs counted lives on here, one row per
 * customer and UTC day, so metrics over the whole history stay right.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { columnTypes: t } = traitsOf(db);
  let table = db.schema
    .createTable('lead_sync_run_days')
    .addColumn('customerId', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    // YYYY-MM-DD of the runs' start, UTC.
    .addColumn('day', 'text', (c) => c.notNull());
  for (const name of COUNTS) table = table.addColumn(name, t.bigint, (c) => c.notNull().defaultTo(0));
  await table.addPrimaryKeyConstraint('lead_sync_run_days_pk', ['customerId', 'day']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('lead_sync_run_days').execute();
}

/** The summed columns (listed here: a released migration never changes with the code). */
const COUNTS = [
  'runs',
  'success',
  'unchanged',
  'failed',
  'needsReview',
  'cancelled',
  'timedRuns',
  'durationMsSum',
  'rowsProcessed',
  'rowsInserted',
  'rowsUpdated',
  'rowsDeleted',
  'errors',
  'retries',
] as const;
