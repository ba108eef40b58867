import type { Kysely } from 'kysely';
import type { Database, RunOutcome } from './database.js';
import { toIso } from './repository-helpers.js';
import { sumRunDays } from './run-retention.repository.js';

export interface RunStats {
  /** Every run, finished or not. */
  total: number;
  /** Runs without an outcome yet. */
  running: number;
  byOutcome: Record<RunOutcome, number>;
  /** Over finished runs; null when there are none. */
  avgDurationMs: number | null;
  /** Nearest-rank 95th percentile of finished runs' durations; null when there are none. */
  p95DurationMs: number | null;
}

/**
 * Counts and durations of the runs of one customer (or all), optionally of runs started at
 * or after `since`. The percentile is an ORDER BY … OFFSET, which both dialects run alike
 * (PostgreSQL's percentile_disc has no SQLite twin). Without `since`, the runs retention folded
 * into daily totals count too (their counts and average; the percentile is of the runs kept).
 */
export async function runStats(
  db: Kysely<Database>,
  customerId?: string,
  options: { since?: string | Date } = {},
): Promise<RunStats> {
  let runs = db.selectFrom('lead_sync_runs');
  if (customerId !== undefined) runs = runs.where('customerId', '=', customerId);
  if (options.since !== undefined) runs = runs.where('startedAt', '>=', toIso(options.since));

  const counts = await runs
    .select((eb) => ['outcome', eb.fn.countAll<number>().as('n')])
    .groupBy('outcome')
    .execute();
  const byOutcome: Record<RunOutcome, number> = {
    success: 0,
    unchanged: 0,
    failed: 0,
    needs_review: 0,
    cancelled: 0,
  };
  let running = 0;
  for (const { outcome, n } of counts) {
    if (outcome === null) running += Number(n);
    else byOutcome[outcome] = Number(n);
  }

  const timed = runs.where('durationMs', 'is not', null);
  const { n, sum } = await timed
    .select((eb) => [eb.fn.count<number>('durationMs').as('n'), eb.fn.sum<number>('durationMs').as('sum')])
    .executeTakeFirstOrThrow();
  let p95: number | null = null;
  if (Number(n) > 0) {
    const row = await timed
      .select('durationMs')
      .orderBy('durationMs')
      .limit(1)
      .offset(Math.ceil(0.95 * Number(n)) - 1)
      .executeTakeFirst();
    p95 = row?.durationMs ?? null;
  }
  let timedRuns = Number(n);
  let durationSum = sum === null ? 0 : Number(sum);
  if (options.since === undefined) {
    const folded = await sumRunDays(db, customerId);
    byOutcome.success += folded.success;
    byOutcome.unchanged += folded.unchanged;
    byOutcome.failed += folded.failed;
    byOutcome.needs_review += folded.needsReview;
    byOutcome.cancelled += folded.cancelled;
    timedRuns += folded.timedRuns;
    durationSum += folded.durationMsSum;
  }
  return {
    total: running + Object.values(byOutcome).reduce((a, b) => a + b, 0),
    running,
    byOutcome,
    avgDurationMs: timedRuns === 0 ? null : durationSum / timedRuns,
    p95DurationMs: p95,
  };
}
