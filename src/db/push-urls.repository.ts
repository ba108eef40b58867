import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { inTransaction } from './repository-helpers.js';

/** A customer's push URL as stored: the secret's hash, never the secret. */
export interface PushUrl {
  customerId: string;
  secretHash: string;
  debounceSeconds: number;
  createdAt: string;
  lastPushAt: string | null;
  pushCount: number;
}

/** Turns push on, or rotates it: the new secret's hash replaces the old, which stops working at once. */
export async function savePushUrl(
  db: Kysely<Database>,
  input: { customerId: string; secretHash: string; debounceSeconds: number },
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto('push_urls')
    .values({ ...input, createdAt: at })
    .onConflict((oc) =>
      oc.column('customerId').doUpdateSet({
        secretHash: input.secretHash,
        debounceSeconds: input.debounceSeconds,
        createdAt: at,
      }),
    )
    .execute();
}

/** Turns push off; false when it was not on. A push already waiting still runs. */
export async function deletePushUrl(db: Kysely<Database>, customerId: string): Promise<boolean> {
  const result = await db.deleteFrom('push_urls').where('customerId', '=', customerId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function findPushUrl(db: Kysely<Database>, customerId: string): Promise<PushUrl | undefined> {
  const row = await db
    .selectFrom('push_urls')
    .selectAll()
    .where('customerId', '=', customerId)
    .executeTakeFirst();
  return row && { ...row, pushCount: Number(row.pushCount) };
}

export interface PushOutcome {
  /** False when the customer is paused: the push is recorded, no run is queued. */
  queued: boolean;
  /** When the pushed run is due (the first push of a burst plus the debounce); null when paused. */
  runAt: string | null;
}

/**
 * Records a push and queues its run: the first push of a burst sets `pushRunAt` to now plus the
 * debounce, later ones leave it (COALESCE in the same UPDATE, so concurrent pushes cannot move
 * it). The worker's claim clears it (scheduler.repository.ts), so pushes that arrive while the
 * run is going queue exactly one follow-up. A paused customer's push is counted only.
 */
export function recordPush(
  db: Kysely<Database>,
  push: { customerId: string; debounceSeconds: number },
  now: Date,
): Promise<PushOutcome> {
  const at = now.toISOString();
  const due = new Date(now.getTime() + push.debounceSeconds * 1000).toISOString();
  return inTransaction(db, async (trx) => {
    await trx
      .updateTable('push_urls')
      .set((eb) => ({ lastPushAt: at, pushCount: eb('pushCount', '+', 1) }))
      .where('customerId', '=', push.customerId)
      .execute();
    const row = await trx
      .updateTable('lead_sync_states')
      .set((eb) => ({ pushRunAt: eb.fn.coalesce('pushRunAt', eb.val(due)), updatedAt: at }))
      .where('customerId', '=', push.customerId)
      .where('isPaused', '=', 0)
      .returning('pushRunAt')
      .executeTakeFirst();
    return row ? { queued: true, runAt: row.pushRunAt } : { queued: false, runAt: null };
  });
}
