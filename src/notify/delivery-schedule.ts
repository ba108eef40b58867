import { retryDelayMs, type BackoffPolicy } from '../sources/backoff.js';

/** Deliveries are retried this long after the event was queued, then marked failed. */
export const DELIVERY_GIVE_UP_MS = 24 * 60 * 60 * 1000;
/** A webhook whose every delivery failed for this long is disabled. */
export const WEBHOOK_DISABLE_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * When to try a failed delivery again, or null to give up: exponential backoff with equal
 * jitter (the sources' schedule: base·2^(attempt-1), capped, half of it random), as long as the
 * next try still falls within 24 hours of the delivery's creation.
 */
export function nextDeliveryAttempt(
  attemptsMade: number,
  createdAt: Date,
  now: Date,
  policy: BackoffPolicy,
  random: () => number,
): Date | null {
  const delay = retryDelayMs(attemptsMade, { retryAfterSeconds: undefined }, policy, random);
  const next = new Date(now.getTime() + delay);
  return next.getTime() - createdAt.getTime() > DELIVERY_GIVE_UP_MS ? null : next;
}
