import type { Kysely } from 'kysely';
import type { Customer } from '../db/customers.repository.js';
import type { Database } from '../db/database.js';
import { getSyncState } from '../db/sync-states.repository.js';
import { endClaimWithEvents } from '../notify/customer-events.js';
import { nextRunAfter } from './next-run.js';
import type { StopReason } from './run-claimed.js';

/** What giving a customer back needs: the worker's context, or the CLI's. */
export interface GiveBackContext {
  db: Kysely<Database>;
  clock: () => Date;
  /** The lease owner (a worker id, or the CLI's `cli:<host>:<pid>`). */
  owner: string;
  autoPauseFailures: number;
}

/**
 * Ends a claim after its run: lease released, next run time set from the run's end, the claimed
 * trigger put back when the run was interrupted, and the customer paused after too many failures
 * in a row. Returns the automatic pause's reason when it paused the customer, else null.
 */
export async function giveBack(
  ctx: GiveBackContext,
  customer: Customer,
  stopped: StopReason | null,
  finishedAt: string | null,
  /** The run failed because the database went away: queue it again, and do not count it for the pause. */
  databaseLost = false,
  /** The run ended without failing (success, unchanged, needs_review): no pause to consider. */
  ranClean = false,
): Promise<string | null> {
  const now = ctx.clock();
  // Only a failed (or cut short) run can have brought the failure count to the pause: after any
  // other the state need not be read (one round trip fewer for every healthy sync).
  let autoPause: string | null = null;
  if (!ranClean) {
    const state = await getSyncState(ctx.db, customer.id);
    if (!state) return null;
    const failures = state.consecutiveFailures;
    autoPause =
      !state.isPaused && !databaseLost && failures >= ctx.autoPauseFailures
        ? `Paused automatically after ${failures} failed syncs in a row (last: ${state.lastErrorCode ?? 'unknown'}: ${state.lastErrorMessage ?? ''})`
        : null;
  }
  // An interrupted approval (or manual run) is served again by whoever claims next. (After a
  // lost lease this only lands if the lease was ours again; otherwise its new holder serves it.)
  const requeue = stopped === 'shutdown' || stopped === 'lease-lost' || databaseLost;
  await endClaimWithEvents(ctx.db, customer.id, ctx.owner, {
    // From the run's end, so a manual run pushes an interval schedule back by exactly one interval.
    nextRunAt: nextRunAfter(customer.schedule, finishedAt ? new Date(finishedAt) : now),
    requeue,
    autoPauseReason: autoPause,
    now,
  });
  return autoPause;
}
