import type { Kysely } from 'kysely';
import { traitsOf } from '../dialect.js';

/**
 * What a held run would delete, key by key, so that its approval applies that set or a subset
 * of it and nothing else; the warnings of each run (and of the customer's last run, for the
 * status); and which held run an approval approved.
 *
 * The delete set is stored exactly, one row per key, rather than as a hash of the sorted keys:
 * a hash can only say "the same set", and an approval must also accept a subset (leads the
 * sheet brought back meanwhile). A Bloom filter would be smaller but could let a lead outside
 * the approved set be deleted. At 500k leads the set is about 20 MB of rows, and only the held
 * runs of a customer since its last good run keep theirs (src/db/held-deletes.repository.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { columnTypes: t } = traitsOf(db);
  await db.schema
    .createTable('lead_sync_held_deletes')
    .addColumn('customerId', 'text', (c) => c.notNull())
    .addColumn('runId', 'text', (c) => c.notNull().references('lead_sync_runs.id').onDelete('cascade'))
    .addColumn('externalKey', 'text', (c) => c.notNull())
    // customerId first: every run ending drops the customer's sets (an index range, empty mostly).
    .addPrimaryKeyConstraint('lead_sync_held_deletes_pk', ['customerId', 'runId', 'externalKey'])
    .execute();
  await db.schema.alterTable('lead_sync_runs').addColumn('warnings', t.json).execute();
  await db.schema.alterTable('lead_sync_states').addColumn('lastWarnings', t.json).execute();
  await db.schema.alterTable('lead_sync_states').addColumn('approvedRunId', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('lead_sync_states').dropColumn('approvedRunId').execute();
  await db.schema.alterTable('lead_sync_states').dropColumn('lastWarnings').execute();
  await db.schema.alterTable('lead_sync_runs').dropColumn('warnings').execute();
  await db.schema.dropTable('lead_sync_held_deletes').execute();
}
