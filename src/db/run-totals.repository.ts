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

export interface SkipTotals {
  skippedByRevision: number;
  skippedByNotModified: number;
  googleRequestsSaved: number;
  bytesSaved: number;
}

/** Runs skipped without a download and what they saved, for one customer (or all): the state's counters. */
export async function sumSkips(db: Kysely<Database>, customerId?: string): Promise<SkipTotals> {
  let query = db.selectFrom('lead_sync_states');
  if (customerId !== undefined) query = query.where('customerId', '=', customerId);
  const row = await query
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('revisionSkips'), eb.lit(0)).as('skippedByRevision'),
      eb.fn.coalesce(eb.fn.sum<number>('notModifiedSkips'), eb.lit(0)).as('skippedByNotModified'),
      eb.fn.coalesce(eb.fn.sum<number>('googleRequestsSaved'), eb.lit(0)).as('googleRequestsSaved'),
      eb.fn.coalesce(eb.fn.sum<number>('bytesSaved'), eb.lit(0)).as('bytesSaved'),
    ])
    .executeTakeFirstOrThrow();
  return {
    skippedByRevision: Number(row.skippedByRevision),
    skippedByNotModified: Number(row.skippedByNotModified),
    googleRequestsSaved: Number(row.googleRequestsSaved),
    bytesSaved: Number(row.bytesSaved),
  };
}
