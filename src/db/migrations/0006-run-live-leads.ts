import type { Kysely } from 'kysely';

/**
 * The customer's live sheet leads after each successful run. The mass-delete guard compares a
 * run with the most leads seen in a recent window, not only with the count just before it, so
 * a sheet that shrinks over several clean runs (37 %, then 50 % more) is still held. Null on
 * runs recorded before this column, and on runs that changed nothing they could count.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('lead_sync_runs').addColumn('liveLeadsAfter', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('lead_sync_runs').dropColumn('liveLeadsAfter').execute();
}
