/**
 * What a customer's runs of one UTC day counted, once retention removed them (migration
 * 0008-run-days): metrics add these to the runs still kept.
 */
export interface LeadSyncRunDaysTable {
  customerId: string;
  /** YYYY-MM-DD, UTC, of the runs' start. */
  day: string;
  runs: number;
  success: number;
  unchanged: number;
  failed: number;
  needsReview: number;
  cancelled: number;
  /** Runs with a duration, and the sum of their durations (for the average). */
  timedRuns: number;
  durationMsSum: number;
  rowsProcessed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  /** Runs that ended with an error code. */
  errors: number;
  retries: number;
}

export type RunDayCounts = Omit<LeadSyncRunDaysTable, 'customerId' | 'day'>;
