import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { recordEvent } from '../events/record-event.js';
import { inTransaction } from '../db/repository-helpers.js';
import { endClaim, type ClaimEnding } from '../db/scheduler.repository.js';
import { pauseSync, resumeSync } from '../db/sync-requests.repository.js';
import { getSyncState } from '../db/sync-states.repository.js';

/**
 * Pause, resume and the worker's automatic pause, each with its outbox event in the same
 * transaction. An event is written only when the state really changes (pausing a paused customer
 * says nothing new).
 */

/** pauseSync by a person, with `customer.paused`. False when the customer does not exist. */
export function pauseWithEvent(
  db: Kysely<Database>,
  customerId: string,
  reason: string,
  now: Date,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const before = await getSyncState(trx, customerId);
    if (!(await pauseSync(trx, customerId, reason, now))) return false;
    if (!before?.isPaused) {
      const payload = { reason: 'person' as const, message: reason };
      await recordEvent(trx, { type: 'customer.paused', customerId, payload }, now);
    }
    return true;
  });
}

/** resumeSync, with `customer.resumed`. False when the customer does not exist. */
export function resumeWithEvent(
  db: Kysely<Database>,
  customerId: string,
  nextRunAt: Date,
  now: Date,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const before = await getSyncState(trx, customerId);
    if (!(await resumeSync(trx, customerId, nextRunAt, now))) return false;
    if (before?.isPaused) {
      await recordEvent(trx, { type: 'customer.resumed', customerId, payload: { reason: 'person' } }, now);
    }
    return true;
  });
}

/** endClaim, with `customer.paused` (automatic) when it pauses the customer. */
export function endClaimWithEvents(
  db: Kysely<Database>,
  customerId: string,
  owner: string,
  ending: ClaimEnding,
): Promise<boolean> {
  // Nothing to tell: one UPDATE, not a transaction around it (three round trips fewer per sync).
  if (ending.autoPauseReason === null) return endClaim(db, customerId, owner, ending);
  return inTransaction(db, async (trx) => {
    const ended = await endClaim(trx, customerId, owner, ending);
    if (ended && ending.autoPauseReason !== null) {
      const payload = { reason: 'automatic' as const, message: ending.autoPauseReason };
      await recordEvent(trx, { type: 'customer.paused', customerId, payload }, ending.now);
    }
    return ended;
  });
}
