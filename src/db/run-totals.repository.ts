import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { sumRunDays } from './run-retention.repository.js';

export interface RunTotals {
  rowsProcessed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  /** Runs that ended with an error (failed, needs_review, cancelled). */
  errors: number;
  retries: number;
}

/**
 * Sums of the run history of one customer (or all), for the sync metrics endpoint: the runs
 * still kept plus the daily totals of those retention folded away (run-retention.repository.ts).
 */
export async function sumRunFigures(db: Kysely<Database>, customerId?: string): Promise<RunTotals> {
  let query = db.selectFrom('lead_sync_runs');
  if (customerId !== undefined) query = query.where('customerId', '=', customerId);
  const row = await query
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('rowsProcessed'), eb.lit(0)).as('rowsProcessed'),
      eb.fn.coalesce(eb.fn.sum<number>('rowsInserted'), eb.lit(0)).as('rowsInserted'),
      eb.fn.coalesce(eb.fn.sum<number>('rowsUpdated'), eb.lit(0)).as('rowsUpdated'),
      eb.fn.coalesce(eb.fn.sum<number>('rowsDeleted'), eb.lit(0)).as('rowsDeleted'),
      eb.fn.count<number>('errorCode').as('errors'),
      eb.fn.coalesce(eb.fn.sum<number>('retryCount'), eb.lit(0)).as('retries'),
    ])
    .executeTakeFirstOrThrow();
  const folded = await sumRunDays(db, customerId);
  return {
    rowsProcessed: Number(row.rowsProcessed) + folded.rowsProcessed,
    rowsInserted: Number(row.rowsInserted) + folded.rowsInserted,
    rowsUpdated: Number(row.rowsUpdated) + folded.rowsUpdated,
    rowsDeleted: Number(row.rowsDeleted) + folded.rowsDeleted,
    errors: Number(row.errors) + folded.errors,
    retries: Number(row.retries) + folded.retries,
  };
}
