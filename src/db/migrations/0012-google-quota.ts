import type { Kysely } from 'kysely';

/**
 * One Google quota for every worker process (issue 15): `google_quota` holds, per limiter
 * (`project`, `user`), the next free request slot in epoch milliseconds of the database's clock.
 * Each request reserves a slot with one UPDATE that the row lock serialises across processes.
 * Only PostgreSQL uses it; a SQLite service is one process and keeps its limiter in memory.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('google_quota')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('nextFreeMs', 'double precision', (c) => c.notNull())
    // When the last reserved request may go (the reservation's answer, kept with the row).
    .addColumn('sendAtMs', 'double precision', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('google_quota').execute();
}
