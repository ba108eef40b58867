import type { Kysely } from 'kysely';
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
    .set({ leaseExpiresAt: isoAfter(now, leaseMs), updatedAt: at })
    .where('customerId', '=', customerId)
    .where('leaseOwner', '=', owner)
    .where('leaseExpiresAt', '>', at)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
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
