import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { pruneLeadHistory } from '../db/lead-history.repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often a worker prunes: retention is counted in days, an hour late is no harm. */
export const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * LEADSYNC_HISTORY_DAYS for one worker: at most once per PRUNE_EVERY_MS (the first time at once),
 * removes lead history older than `days` except each lead's latest change (pruneLeadHistory).
 */
export class HistoryRetention {
  private nextAt = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly days: number,
    private readonly clock: () => Date,
  ) {}

  /** Prunes when due; the changes removed, or null when it was not due. */
  async tick(): Promise<number | null> {
    const now = this.clock().getTime();
    if (now < this.nextAt) return null;
    // Set before the work, so a failing prune (the database restarting) waits an interval too.
    this.nextAt = now + PRUNE_EVERY_MS;
    return pruneLeadHistory(this.db, new Date(now - this.days * DAY_MS));
  }
}
