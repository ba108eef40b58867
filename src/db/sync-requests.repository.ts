import type { Kysely } from 'kysely';
import type { Database, RunTrigger } from './database.js';
import { getSyncState, updateSyncState, type SyncState } from './sync-states.repository.js';

/**
 * What people ask of a customer's sync (API, CLI): a run, a pause, a resume. Each is one
 * conditional UPDATE of lead_sync_states, so concurrent requests cannot double-queue.
 */

/**
 * Queues a run unless one is already queued (then the request is coalesced into it) or the
 * customer is paused. An `approval` replaces whatever was queued: it is a superset of any other
 * run (it may also delete). Returns the state after the request, undefined for no customer.
 */
export async function requestRun(
  db: Kysely<Database>,
  customerId: string,
  trigger: RunTrigger,
  now: Date,
  /** For an approval: the held run approved, whose delete set the approval run may apply. */
  approvedRunId?: string,
): Promise<SyncState | undefined> {
  let query = db
    .updateTable('lead_sync_states')
    .set((eb) => ({
      pendingTrigger: trigger,
      // Its place in the claim's queue: an approval replacing a queued run keeps that run's place.
      askedAt: eb.fn.coalesce('askedAt', eb.val(now.toISOString())),
      updatedAt: now.toISOString(),
      ...(approvedRunId !== undefined && { approvedRunId }),
    }))
    .where('customerId', '=', customerId)
    .where('isPaused', '=', 0);
  if (trigger !== 'approval') query = query.where('pendingTrigger', 'is', null);
  await query.execute();
  return getSyncState(db, customerId);
}

export async function pauseSync(
  db: Kysely<Database>,
  customerId: string,
  reason: string,
  now: Date,
): Promise<boolean> {
  return updateSyncState(db, customerId, { isPaused: true, pausedReason: reason }, now);
}

/** Resumes with a fresh failure count (an auto-paused customer gets its full allowance again). */
export async function resumeSync(
  db: Kysely<Database>,
  customerId: string,
  nextRunAt: Date,
  now: Date,
): Promise<boolean> {
  return updateSyncState(
    db,
    customerId,
    { isPaused: false, pausedReason: null, consecutiveFailures: 0, nextRunAt },
    now,
  );
}

/** The id of the customer's run in progress (the newest without an outcome), if any. */
export async function findRunningRunId(db: Kysely<Database>, customerId: string): Promise<string | null> {
  const row = await db
    .selectFrom('lead_sync_runs')
    .select('id')
    .where('customerId', '=', customerId)
    .where('outcome', 'is', null)
    .orderBy('startedAt', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}
