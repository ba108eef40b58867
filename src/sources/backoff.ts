import type { LeadsyncError } from '../errors.js';

export interface BackoffPolicy {
  /** Delay before the first retry; doubled for each next one (config.fetch.retryBaseMs, default 1000). */
  baseMs: number;
  /** Cap of the exponential part (config.fetch.retryMaxMs, default 10000). */
  maxMs: number;
}

/** Longest wait a Retry-After header can impose; beyond it we would rather try and fail again. */
export const MAX_RETRY_AFTER_MS = 5 * 60 * 1000;

/**
 * Milliseconds to wait before retry number `attempt` (1 = the first retry) of a whole
 * fetch-and-parse attempt. The nominal schedule is base·2^(attempt-1) capped at maxMs
 * (1 s → 2 s → 4 s → 8 s → 10 s with the defaults).
 *
 * Jitter is "equal jitter": half the nominal delay is fixed and half is random, so the wait is in
 * [nominal/2, nominal]. Full jitter could pick ~0 ms and hammer a Google that just said "slow
 * down"; equal jitter still spreads many customers failing at the same moment.
 *
 * When the error carries `retryAfterSeconds` (429, 503 with Retry-After) we wait at least that
 * long (capped at 5 minutes), whatever the backoff says.
 *
 * `random` returns a number in [0, 1) (Math.random in production, fixed values in tests).
 */
export function retryDelayMs(
  attempt: number,
  error: Pick<LeadsyncError, 'retryAfterSeconds'>,
  policy: BackoffPolicy,
  random: () => number,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // Capping the exponent keeps 2 ** exponent finite for absurd attempt numbers.
  const nominal = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 40));
  const half = nominal / 2;
  const backoff = Math.round(half + half * clamp01(random()));
  if (error.retryAfterSeconds === undefined) return backoff;
  const retryAfter = Math.min(MAX_RETRY_AFTER_MS, Math.max(0, error.retryAfterSeconds) * 1000);
  return Math.max(retryAfter, backoff);
}

/**
 * Whether to try again after a failure, given how many retries were already made (0 after the
 * first attempt failed): only for retryable errors (rate limits, 5xx, timeouts, truncated bodies)
 * and at most `maxRetries` times (config.fetch.retries, default 3). The retry that follows is
 * number `retriesSoFar + 1` for retryDelayMs.
 */
export function shouldRetry(
  error: Pick<LeadsyncError, 'retryable'>,
  retriesSoFar: number,
  maxRetries: number,
): boolean {
  return error.retryable && retriesSoFar < maxRetries;
}

function clamp01(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 : value;
}
