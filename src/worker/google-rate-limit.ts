import type { SheetSource } from '../sources/types.js';
import { sleep as realSleep } from '../sync/sleep.js';

/**
 * Spaces requests so no more than `perMinute` start in any minute: each caller reserves the next
 * free slot and waits for it. Shared by every sync of a process, so four concurrent syncs of
 * 1,000 customers stay under Google's quota instead of each getting 429s and backing off.
 */
export class PacedLimiter {
  /** -Infinity, not 0: the first burst must not depend on the clock being epoch time. */
  private nextFree = Number.NEGATIVE_INFINITY;
  private readonly gapMs: number;
  private readonly burst: number;

  constructor(
    perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = realSleep,
  ) {
    // A short burst is fine (the quota is per minute); pacing only kicks in after it.
    this.burst = Math.max(1, Math.floor(perMinute / 10));
    // Any minute can hold a full burst plus the paced starts after it, so the pace leaves room
    // for the burst: `burst - 1 + 60 s / gap` starts at most, which is `perMinute`.
    this.gapMs = 60_000 / (perMinute - this.burst + 1);
  }

  /** Resolves when the caller may send its request; rejects (SYNC_CANCELLED) if `signal` aborts first. */
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
  project: PacedLimiter;
  /** Sheets API requests, all made as the one service account: the per-user quota. */
  user: PacedLimiter;
}

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
