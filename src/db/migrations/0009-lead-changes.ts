import { sql, type Kysely } from 'kysely';
import { traitsOf } from '../dialect.js';

/**
 * The change feed and per-lead history (issue 13).
 *
 * - `lead_changes`: one row per lead a write transaction changed, keyed by its batch and its
 *   place in it (`seq`, the staged row's own number for a sync: no counter is needed while the
 *   merge runs). `fields` holds, for updates, restores and CRM edits, the changed fields as
 *   `{"name": [from, to]}`; inserts and deletes carry none.
 * - `change_batches`: one row per committed write transaction that changed leads (a sync run,
 *   a PATCH). Its `position` is taken from `change_counter` at the very end of the transaction,
 *   under that row's lock, so positions become visible in the order they were handed out: a
 *   reader that saw position P can never later find a batch below P (see change-feed.repository).
 * - `change_counter`: the one counter row.
 *
 * No foreign key from lead_changes to its batch: the batch row is written last (its position is
 * known only then), and a per-row check would cost the first sync of 500k leads 500k lookups.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { columnTypes: t } = traitsOf(db);
  await db.schema
    .createTable('change_counter')
    .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
    .addColumn('position', t.bigint, (c) => c.notNull())
    .execute();
  await sql`INSERT INTO change_counter (id, position) VALUES (1, 0)`.execute(db);

  await db.schema
    .createTable('change_batches')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('customerId', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('position', t.bigint, (c) => c.notNull().unique())
    .addColumn('runId', 'text')
    .addColumn('at', t.timestamp, (c) => c.notNull())
    // How many lead_changes rows it wrote (a hint for paging: retention may remove some since).
    .addColumn('changes', 'integer', (c) => c.notNull())
    // No change of the batch has a larger seq: pages of a large batch read bounded seq ranges.
    .addColumn('lastSeq', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('change_batches_customerId_position_idx')
    .on('change_batches')
    .columns(['customerId', 'position'])
    .execute();

  await db.schema
    .createTable('lead_changes')
    .addColumn('batchId', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('leadId', 'text', (c) => c.notNull())
    .addColumn('op', 'text', (c) => c.notNull())
    .addColumn('fields', t.json)
    .addPrimaryKeyConstraint('lead_changes_pkey', ['batchId', 'seq'])
    .execute();
  // A lead's history, and retention's "keep each lead's latest change".
  await db.schema.createIndex('lead_changes_leadId_idx').on('lead_changes').column('leadId').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('lead_changes').execute();
  await db.schema.dropTable('change_batches').execute();
  await db.schema.dropTable('change_counter').execute();
}
