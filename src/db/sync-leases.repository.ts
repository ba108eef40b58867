import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * Who may sync a customer right now: a lease on its lead_sync_states row with an owner and an
 * expiry, so a crashed worker's customer is taken back once the lease runs out (pg-boss's
 * expiry idea). Each function is one conditional UPDATE: on PostgreSQL a concurrent claim waits
 * for the row lock and then re-checks the WHERE against the winner's row; SQLite has one writer
 * at a time. Either way exactly one claimant sees a changed row.
 *
 * A lease is live while `leaseExpiresAt > now`; it expires at that instant.
 */

/** Takes the lease for `leaseMs` when nobody holds a live one; true when taken. */
export async function claimLease(
  db: Kysely<Database>,
  customerId: string,
  owner: string,
  leaseMs: number,
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  const result = await db
    .updateTable('lead_sync_states')
    .set({ leaseOwner: owner, leaseExpiresAt: isoAfter(now, leaseMs), updatedAt: at })
    .where('customerId', '=', customerId)
    .where((eb) => eb.or([eb('leaseExpiresAt', 'is', null), eb('leaseExpiresAt', '<=', at)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Extends the owner's live lease to `now + leaseMs`; false when it is not the owner's or has
 * already expired. An expired lease is gone even if no one took it yet: another worker may be
 * claiming it this moment, so a worker whose heartbeat came too late must stop, not carry on.
 */
export async function renewLease(
  db: Kysely<Database>,
  customerId: string,
  owner: string,
  leaseMs: number,
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  const result = await db
    .updateTable('lead_sync_states')
    .set((eb) => ({ leaseExpiresAt: extendedTo(eb, isoAfter(now, leaseMs)), updatedAt: at }))
    .where('customerId', '=', customerId)
    .where('leaseOwner', '=', owner)
    .where('leaseExpiresAt', '>', at)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Every live lease of `owner` extended to `now + leaseMs`. For SQLite, inside a sync's write
 * transaction: the heartbeat's own UPDATEs wait for that transaction's lock, so it renews them.
 */
export async function renewOwnerLeases(
  db: Kysely<Database>,
  owner: string,
  leaseMs: number,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db
    .updateTable('lead_sync_states')
    .set((eb) => ({ leaseExpiresAt: extendedTo(eb, isoAfter(now, leaseMs)) }))
    .where('leaseOwner', '=', owner)
    .where('leaseExpiresAt', '>', at)
    .execute();
}

/** Whether `owner` holds a live lease on the customer (a read: no row lock). */
export async function isLeaseHeld(
  db: Kysely<Database>,
  customerId: string,
  owner: string,
  now: Date,
): Promise<boolean> {
  const row = await db
    .selectFrom('lead_sync_states')
    .select('customerId')
    .where('customerId', '=', customerId)
    .where('leaseOwner', '=', owner)
    .where('leaseExpiresAt', '>', now.toISOString())
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A renewal never shortens a lease: a heartbeat that waited for SQLite's write lock carries the
 * time it started at, and must not undo the longer lease renewed meanwhile inside the write.
 */
function extendedTo(eb: ExpressionBuilder<Database, 'lead_sync_states'>, next: string) {
  return eb.case().when('leaseExpiresAt', '<', next).then(next).else(eb.ref('leaseExpiresAt')).end();
}

/**
 * Gives the lease up (only the owner can; true when it did). `now`, when given, is written to
 * updatedAt.
 */
export async function releaseLease(
  db: Kysely<Database>,
  customerId: string,
  owner: string,
  now?: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('lead_sync_states')
    .set({ leaseOwner: null, leaseExpiresAt: null, ...(now && { updatedAt: now.toISOString() }) })
    .where('customerId', '=', customerId)
    .where('leaseOwner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

function isoAfter(now: Date, ms: number): string {
  return new Date(now.getTime() + ms).toISOString();
}
