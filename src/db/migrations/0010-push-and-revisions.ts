import type { Kysely } from 'kysely';
import { traitsOf } from '../dialect.js';

/**
 * Push URLs and skipping sheets that did not change (issue 14).
 * - `push_urls`: one per customer, the secret stored as its SHA-256 only (shown once, at creation).
 * - `lead_sync_states.pushRunAt`: when a pushed run is due (the first push of a burst plus the
 *   debounce); the claim clears it, so pushes during a run queue one follow-up at most.
 * - `lead_sync_states.lastSourceVersion`: what the last successful run learnt about the source's
 *   version (Drive revision, ETag, Last-Modified) and under which source and mapping options.
 * - counters of runs skipped without a download, and what that saved, for the metrics.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { columnTypes: t } = traitsOf(db);
  await db.schema
    .createTable('push_urls')
    .addColumn('customerId', 'text', (c) => c.primaryKey().references('customers.id').onDelete('cascade'))
    .addColumn('secretHash', 'text', (c) => c.notNull())
    .addColumn('debounceSeconds', 'integer', (c) => c.notNull())
    .addColumn('createdAt', t.timestamp, (c) => c.notNull())
    .addColumn('lastPushAt', t.timestamp)
    .addColumn('pushCount', t.bigint, (c) => c.notNull().defaultTo(0))
    .execute();
  const states = () => db.schema.alterTable('lead_sync_states');
  await states().addColumn('pushRunAt', t.timestamp).execute();
  await states().addColumn('lastSourceVersion', 'text').execute();
  await states()
    .addColumn('revisionSkips', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await states()
    .addColumn('notModifiedSkips', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await states()
    .addColumn('googleRequestsSaved', t.bigint, (c) => c.notNull().defaultTo(0))
    .execute();
  await states()
    .addColumn('bytesSaved', t.bigint, (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    'bytesSaved',
    'googleRequestsSaved',
    'notModifiedSkips',
    'revisionSkips',
    'lastSourceVersion',
    'pushRunAt',
  ]) {
    await db.schema.alterTable('lead_sync_states').dropColumn(name).execute();
  }
  await db.schema.dropTable('push_urls').execute();
}
