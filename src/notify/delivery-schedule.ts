import { retryDelayMs, type BackoffPolicy } from '../sources/backoff.js';

/** Deliveries are retried this long after the event was queued, then marked failed. */
export const DELIVERY_GIVE_UP_MS = 24 * 60 * 60 * 1000;
/** A webhook whose every delivery failed for this long is disabled. */
export const WEBHOOK_DISABLE_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * When to try a failed delivery again, or null to give up: exponential backoff with equal
 * jitter (the sources' schedule: base·2^(attempt-1), capped, half of it random). The last try is
 * made exactly 24 hours after the delivery was queued, so a receiver that failed all along has
 * failed for a full day when the delivery is given up (and its webhook is then disabled).
 */
export function nextDeliveryAttempt(
  attemptsMade: number,
  createdAt: Date,
  now: Date,
  policy: BackoffPolicy,
  random: () => number,
): Date | null {
  const deadline = createdAt.getTime() + DELIVERY_GIVE_UP_MS;
  if (now.getTime() >= deadline) return null;
  const delay = retryDelayMs(attemptsMade, { retryAfterSeconds: undefined }, policy, random);
  return new Date(Math.min(now.getTime() + delay, deadline));
}
