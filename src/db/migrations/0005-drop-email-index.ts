import type { Kysely } from 'kysely';

/**
 * Drops leads(customerId, email): no query uses it (lead search is a substring match, which a
 * B-tree cannot serve), and every lead a sync writes paid for it. Measured on SQLite, a
 * 100,000-row first sync took 7.1-8.3 s with it and 6.2-6.4 s without. Bring it back with the
 * first query that looks leads up by exact email.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('leads_customerId_email_idx').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('leads_customerId_email_idx')
    .on('leads')
    .columns(['customerId', 'email'])
    .execute();
}
