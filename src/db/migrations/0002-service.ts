import type { Kysely } from 'kysely';
import { traitsOf } from '../dialect.js';

/**
 * What the HTTP service and the worker add: bearer tokens (stored as SHA-256 hashes, never in
 * clear) and the trigger a worker claimed with a lease, so a claim can clear `pendingTrigger`
 * and still tell the run which trigger it serves in one atomic UPDATE … RETURNING on both dialects.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { columnTypes: t } = traitsOf(db);
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tokenHash', 'text', (c) => c.notNull().unique())
    // Null: an admin token; otherwise the only customer the token can see.
    .addColumn('customerId', 'text', (c) => c.references('customers.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('createdAt', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.alterTable('lead_sync_states').addColumn('claimedTrigger', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('lead_sync_states').dropColumn('claimedTrigger').execute();
  await db.schema.dropTable('api_tokens').execute();
}
