import type { SheetSource } from '../sources/types.js';
import { sleep as realSleep } from '../sync/sleep.js';

/** How a limiter of `perWindow` requests per `windowMs` spaces them: a burst, then one per gap. */
export interface Pace {
  gapMs: number;
  burst: number;
}

/**
 * A short burst is fine (the quota is per minute); pacing only kicks in after it. Any window can
 * hold a full burst plus the paced starts after it, so the pace leaves room for the burst:
 * `burst - 1 + windowMs / gap` starts at most, which is `perWindow`.
 */
export function paceOf(perWindow: number, windowMs = 60_000): Pace {
  const burst = Math.max(1, Math.floor(perWindow / 10));
  return { burst, gapMs: windowMs / (perWindow - burst + 1) };
}

/** What a sync waits on before a request to Google. */
export interface RateLimiter {
  /** Resolves when the caller may send its request; rejects (SYNC_CANCELLED) if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/**
 * Spaces requests so no more than `perMinute` start in any minute: each caller reserves the next
 * free slot and waits for it. Shared by every sync of a process, so four concurrent syncs of
 * 1,000 customers stay under Google's quota instead of each getting 429s and backing off. On
 * PostgreSQL the worker uses SharedPacedLimiter instead: one sequence for all processes.
 */
export class PacedLimiter implements RateLimiter {
  /** -Infinity, not 0: the first burst must not depend on the clock being epoch time. */
  private nextFree = Number.NEGATIVE_INFINITY;
  private readonly gapMs: number;
  private readonly burst: number;

  constructor(
    perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = realSleep,
  ) {
    ({ gapMs: this.gapMs, burst: this.burst } = paceOf(perMinute));
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const now = this.now();
    const earliest = now - this.gapMs * (this.burst - 1);
    const slot = Math.max(this.nextFree, earliest);
    this.nextFree = slot + this.gapMs;
    const wait = slot - now;
    if (wait > 0) await this.sleep(wait, signal);
  }
}

export interface GoogleLimiters {
  /** Every request to Google (exports and the Sheets API): the per-project quota. */
  project: RateLimiter;
  /** Sheets API requests, all made as the one service account: the per-user quota. */
  user: RateLimiter;
}

/** In-process limiters (SQLite: one service process); see sharedGoogleLimiters for PostgreSQL. */
export function createGoogleLimiters(projectPerMinute: number, userPerMinute: number): GoogleLimiters {
  return { project: new PacedLimiter(projectPerMinute), user: new PacedLimiter(userPerMinute) };
}

/** Wraps a source so that opening it waits for the limiters its kind is subject to. */
export function rateLimitedSource(source: SheetSource, limiters: GoogleLimiters): SheetSource {
  if (source.kind !== 'google_api' && source.kind !== 'google_export') return source;
  const revision = source.revision?.bind(source);
  return {
    kind: source.kind,
    describe: () => source.describe(),
    // Not paced: Drive's quota is its own (and far larger); a check spares a Sheets download.
    ...(revision ? { revision } : {}),
    async open(options) {
      await limiters.project.acquire(options?.signal);
      if (source.kind === 'google_api') await limiters.user.acquire(options?.signal);
      return source.open(options);
    },
  };
}
