import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { dialectOf } from '../db/dialect.js';
import { reserveQuotaSlot } from '../db/google-quota.repository.js';
import { sleep as realSleep } from '../sync/sleep.js';
import { createGoogleLimiters, paceOf, type GoogleLimiters, type RateLimiter } from './google-rate-limit.js';

/**
 * PacedLimiter's pacing with its sequence in PostgreSQL (`google_quota`, migration 0012): every
 * worker process reserves its slots from one row, so N workers together stay under one quota
 * instead of each taking all of it. One round trip per Google request, on the database's clock.
 * `windowMs` is the quota's window (a minute; tests shorten it).
 */
export class SharedPacedLimiter implements RateLimiter {
  private readonly pace: ReturnType<typeof paceOf>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly name: string,
    perWindow: number,
    windowMs = 60_000,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = realSleep,
  ) {
    // 1 % of each window (at least one request) kept back: a request reaches Google a moment
    // after its slot, later when the event loop is busy, so slots sent late can bunch up.
    this.pace = paceOf(Math.max(2, perWindow - Math.max(1, Math.ceil(perWindow / 100))), windowMs);
  }

  /** Reserves a slot and waits for it; returns when it may go, in epoch ms of the database's clock. */
  async reserve(signal?: AbortSignal): Promise<number> {
    const slot = await reserveQuotaSlot(this.db, this.name, this.pace);
    if (slot.waitMs > 0) await this.sleep(slot.waitMs, signal);
    return slot.sendAtMs;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    await this.reserve(signal);
  }
}

/** The worker's Google limiters: shared through the database on PostgreSQL, in-process on SQLite. */
export function googleLimitersFor(
  db: Kysely<Database>,
  projectPerMinute: number,
  userPerMinute: number,
): GoogleLimiters {
  if (dialectOf(db) !== 'postgres') return createGoogleLimiters(projectPerMinute, userPerMinute);
  return {
    project: new SharedPacedLimiter(db, 'project', projectPerMinute),
    user: new SharedPacedLimiter(db, 'user', userPerMinute),
  };
}
