import type { Dialect } from './databases.js';
import type { Stats } from './measure.js';
import type { ScenarioResult } from './scenarios.js';
import type { ServiceResult } from './service-scenario.js';

/** The targets (#10), all set for the 500,000-row sheet (the largest Google Sheets allows). */
export const TARGET_ROWS = 500_000;
/** Full sync process time over the database's own CSV loader's. */
export const BASELINE_RATIO: Record<Dialect, number> = { sqlite: 1.5, postgres: 2.0 };
/** Unchanged re-sync run time over download + SHA-1 of the same body (both without start-up). */
export const UNCHANGED_RATIO = 1.5;
/** 1 %-changed run time over the full sync's run time. */
export const CHANGED_RATIO = 0.6;
export const PEAK_RSS_MB = 256;
export const SMALL_SHEET_ROWS = 500;
export const SMALL_SHEET_MS = 50;
export const SCALING_RATIO = 5.5;
export const STATUS_P99_MS = 50;
export const STATUS_MAX_MS = 250;
export const IDLE_RSS_MB = 100;
export const STARTUP_MS = 250;
/** Change feed read rate from the 500k customer (issue 13). */
export const FEED_PER_SECOND = 10_000;

export interface Judged {
  /** Primary ratio: see the limit constants above for what over what. */
  ratio: number;
  /** The other view: run time where the primary uses process time, and the reverse. */
  altRatio: number;
  limit: number;
  target: string;
  writesExact: boolean;
  /** Ratio within its limit and writes exact; null below TARGET_ROWS, where no target is set. */
  met: boolean | null;
  /** Peak RSS within PEAK_RSS_MB; null below TARGET_ROWS. */
  rssMet: boolean | null;
}

export function judge(r: ScenarioResult, all: readonly ScenarioResult[]): Judged {
  const full = all.find((x) => x.rows === r.rows && x.dialect === r.dialect && x.scenario === 'full');
  const writesExact = r.writes.length > 0 && r.writes.every((w) => w === r.expectedWrites);
  const over = (a: Stats, b: Stats | undefined): number => a.median / (b?.median ?? NaN);
  let ratio: number, altRatio: number, limit: number, target: string;
  if (r.scenario === 'full') {
    [ratio, altRatio, limit] = [
      over(r.wall, r.baseline ?? undefined),
      over(r.duration, r.baseline ?? undefined),
      BASELINE_RATIO[r.dialect],
    ];
    target = `≤ ${limit} × baseline`;
  } else if (r.scenario === 'unchanged') {
    [ratio, altRatio, limit] = [over(r.duration, r.floor?.run), over(r.wall, r.floor?.wall), UNCHANGED_RATIO];
    target = `≤ ${limit} × download + SHA-1`;
  } else {
    [ratio, altRatio, limit] = [over(r.duration, full?.duration), over(r.wall, full?.wall), CHANGED_RATIO];
    target = `≤ ${limit} × full`;
  }
  const judged = r.rows === TARGET_ROWS;
  const met = judged ? ratio <= limit && writesExact : null;
  const rssMet = judged ? r.peakRssMb <= PEAK_RSS_MB : null;
  return { ratio, altRatio, limit, target, writesExact, met, rssMet };
}

/** The service-mode targets: status latency while the 500k sheet is applied, and idle memory (its peak joins every scenario's). */
export function judgeService(s: ServiceResult): {
  latencyMet: boolean;
  idleMet: boolean;
  feedMet: boolean | null;
} {
  return {
    latencyMet: s.latency.p99 < STATUS_P99_MS && s.latency.max < STATUS_MAX_MS,
    idleMet: s.idleRssMb < IDLE_RSS_MB,
    feedMet: s.feed ? s.feed.perSecond >= FEED_PER_SECOND : null,
  };
}

/** Full-sync run time of `big` rows over `small` rows, per dialect (linear would be big/small). */
export function scaling(
  all: readonly ScenarioResult[],
  dialect: Dialect,
  big: number,
  small: number,
): number {
  const time = (rows: number) =>
    all.find((r) => r.dialect === dialect && r.rows === rows && r.scenario === 'full')?.duration.median ??
    NaN;
  return time(big) / time(small);
}
