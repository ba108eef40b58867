import type { Dialect } from './databases.js';
import type { ScenarioResult } from './scenarios.js';

/** The targets, all set for the 500,000-row sheet (the largest Google Sheets allows). */
export const TARGET_ROWS = 500_000;
export const BASELINE_RATIO: Record<Dialect, number> = { sqlite: 1.5, postgres: 2.0 };
export const UNCHANGED_RATIO = 0.25;
export const CHANGED_RATIO = 0.8;
export const PEAK_RSS_MB = 256;
export const SMALL_SHEET_ROWS = 500;
export const SMALL_SHEET_MS = 100;
export const SCALING_RATIO = 5.5;

export interface Judged {
  /** Primary ratio: process vs baseline for a full sync, run time vs the full sync's for re-syncs. */
  ratio: number;
  /** The other view: run time vs baseline, or process time vs the full sync's process time. */
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
  let ratio: number, altRatio: number, limit: number, target: string;
  if (r.scenario === 'full') {
    const b = r.baseline?.median ?? NaN;
    [ratio, altRatio, limit] = [r.wall.median / b, r.duration.median / b, BASELINE_RATIO[r.dialect]];
    target = `≤ ${limit} × baseline`;
  } else {
    limit = r.scenario === 'unchanged' ? UNCHANGED_RATIO : CHANGED_RATIO;
    ratio = r.duration.median / (full?.duration.median ?? NaN);
    altRatio = r.wall.median / (full?.wall.median ?? NaN);
    target = `≤ ${limit} × full`;
  }
  const judged = r.rows === TARGET_ROWS;
  const met = judged ? ratio <= limit && writesExact : null;
  const rssMet = judged ? r.peakRssMb <= PEAK_RSS_MB : null;
  return { ratio, altRatio, limit, target, writesExact, met, rssMet };
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
