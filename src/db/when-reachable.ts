import { databaseFaultOf } from '../database-errors.js';

export interface WhenReachableOptions {
  /** Sleeps `ms` (injected in tests). */
  sleep: (ms: number) => Promise<void>;
  /** How long, in total, to wait for the database to come back. Default 30 s. */
  budgetMs?: number;
}

/**
 * Runs `work`, and while it fails because the database cannot be reached (a restart, a
 * failover, a terminated connection: DATABASE_UNAVAILABLE), runs it again after 250 ms, 500 ms,
 * 1 s, then every 2 s, for up to `budgetMs` of waiting. For the writes that must land after a
 * failure — a run's ending, a lease given back — so a database that is away for seconds does
 * not leave a run open and a customer "running". Any other error is thrown at once.
 */
export async function whenReachable<T>(work: () => Promise<T>, options: WhenReachableOptions): Promise<T> {
  const budget = options.budgetMs ?? 30_000;
  let waited = 0;
  for (let delay = 250; ; delay = Math.min(2000, delay * 2)) {
    try {
      return await work();
    } catch (error) {
      // Counted in delays asked for, not wall time, so an instant test sleep still ends.
      if (databaseFaultOf(error) !== 'DATABASE_UNAVAILABLE' || waited >= budget) throw error;
      waited += delay;
      await options.sleep(delay);
    }
  }
}
