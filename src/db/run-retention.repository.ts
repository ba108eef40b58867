import { sql, type Kysely } from 'kysely';
import type { Database, RunOutcome } from './database.js';
import { inTransaction } from './repository-helpers.js';
import { type LeadSyncRunDaysTable, type RunDayCounts } from './run-days.table.js';

export interface RunRetention {
  /** Finished runs kept one by one per customer, newest first (LEADSYNC_RUNS_KEPT). */
  keep: number;
  /** Runs started at or after this stay whatever their rank: the mass-delete guard reads them. */
  keepSince: Date;
  /** Runs folded per call: small, so a long backlog is worked off in short transactions. */
  limit: number;
}

const OUTCOME_COLUMN: Record<RunOutcome, keyof RunDayCounts> = {
  success: 'success',
  unchanged: 'unchanged',
  failed: 'failed',
  needs_review: 'needsReview',
  cancelled: 'cancelled',
};

/**
 * Removes up to `limit` of the runs beyond each customer's newest `keep` (finished, older than
 * `keepSince`) and adds what they counted to their customer's daily totals, in one transaction.
 * The runs are taken with DELETE … RETURNING, so two processes pruning at once never count a
 * run twice: each row is deleted, and summed, by exactly one of them. Returns how many it folded.
 */
export async function foldOldRuns(db: Kysely<Database>, policy: RunRetention): Promise<number> {
  return inTransaction(db, async (trx) => {
    const ranked = trx
      .selectFrom('lead_sync_runs')
      .select([
        'id',
        'startedAt',
        sql<number>`row_number() over (partition by ${sql.ref('customerId')} order by ${sql.ref('startedAt')} desc, ${sql.ref('id')} desc)`.as(
          'rank',
        ),
      ])
      .where('outcome', 'is not', null)
      .as('ranked');
    const ids = trx
      .selectFrom(ranked)
      .select('ranked.id')
      .where('ranked.rank', '>', policy.keep)
      .where('ranked.startedAt', '<', policy.keepSince.toISOString())
      .limit(policy.limit);
    const folded = await trx
      .deleteFrom('lead_sync_runs')
      .where('id', 'in', ids)
      .returning([
        'customerId',
        'startedAt',
        'outcome',
        'durationMs',
        'rowsProcessed',
        'rowsInserted',
        'rowsUpdated',
        'rowsDeleted',
        'errorCode',
        'retryCount',
      ])
      .execute();
    const days = new Map<string, LeadSyncRunDaysTable>();
    for (const run of folded) {
      const day = run.startedAt.slice(0, 10);
      const key = `${run.customerId} ${day}`;
      let totals = days.get(key);
      if (!totals) days.set(key, (totals = { customerId: run.customerId, day, ...ZERO }));
      totals.runs++;
      if (run.outcome) totals[OUTCOME_COLUMN[run.outcome]]++;
      if (run.durationMs !== null) {
        totals.timedRuns++;
        totals.durationMsSum += run.durationMs;
      }
      totals.rowsProcessed += run.rowsProcessed;
      totals.rowsInserted += run.rowsInserted;
      totals.rowsUpdated += run.rowsUpdated;
      totals.rowsDeleted += run.rowsDeleted;
      if (run.errorCode !== null) totals.errors++;
      totals.retries += run.retryCount;
    }
    if (days.size > 0) {
      await trx
        .insertInto('lead_sync_run_days')
        .values([...days.values()])
        .onConflict((oc) =>
          oc
            .columns(['customerId', 'day'])
            .doUpdateSet((eb) =>
              Object.fromEntries(
                COUNT_COLUMNS.map((c) => [c, eb(`lead_sync_run_days.${c}`, '+', eb.ref(`excluded.${c}`))]),
              ),
            ),
        )
        .execute();
    }
    return folded.length;
  });
}

const ZERO: RunDayCounts = {
  runs: 0,
  success: 0,
  unchanged: 0,
  failed: 0,
  needsReview: 0,
  cancelled: 0,
  timedRuns: 0,
  durationMsSum: 0,
  rowsProcessed: 0,
  rowsInserted: 0,
  rowsUpdated: 0,
  rowsDeleted: 0,
  errors: 0,
  retries: 0,
};

const COUNT_COLUMNS = Object.keys(ZERO) as (keyof RunDayCounts)[];

/** The daily totals of one customer (or all) summed: what the folded runs counted. */
export async function sumRunDays(db: Kysely<Database>, customerId?: string): Promise<RunDayCounts> {
  let query = db.selectFrom('lead_sync_run_days');
  if (customerId !== undefined) query = query.where('customerId', '=', customerId);
  const row = await query
    .select((eb) => COUNT_COLUMNS.map((c) => eb.fn.coalesce(eb.fn.sum<number>(c), eb.lit(0)).as(c)))
    .executeTakeFirst();
  const totals = { ...ZERO };
  for (const c of COUNT_COLUMNS) totals[c] = Number(row?.[c] ?? 0);
  return totals;
}
