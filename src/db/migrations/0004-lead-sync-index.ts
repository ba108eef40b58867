import type { Kysely } from 'kysely';

/**
 * A covering index for the index every sync loads first (key → row hash of a customer's sheet
 * leads). Without it the read walks the table rows, `data` and all: at 100k leads on SQLite the
 * load took 1.4 s, with it 0.6 s, which decides how fast an unchanged sheet is confirmed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('leads_sync_index_idx')
    .on('leads')
    .columns(['customerId', 'origin', 'externalKey', 'rowHash', 'deletedAt'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('leads_sync_index_idx').execute();
}
