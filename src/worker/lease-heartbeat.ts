import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { getSyncState, renewLease } from '../db/sync-states.repository.js';

export interface HeartbeatOptions {
  db: Kysely<Database>;
  customerId: string;
  owner: string;
  leaseMs: number;
  clock: () => Date;
  /** The lease is gone (expired, or taken): the sync must stop, another worker may be starting it. */
  onLost: () => void;
  /** The customer was paused (by the API of any process, or automatically). */
  onPaused: () => void;
}

/**
 * Renews a claim every third of the lease while its sync runs, so a live worker keeps its
 * customer and a dead one loses it within one lease. Each beat also reads the pause flag: that
 * is how a pause reaches a worker in another process on SQLite, where there is no NOTIFY (on
 * PostgreSQL the `paused` event is faster; this is the backstop). Beats never overlap.
 */
export function startHeartbeat(options: HeartbeatOptions): { stop(): void } {
  const every = Math.max(10, Math.floor(options.leaseMs / 3));
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const beat = async () => {
    try {
      const renewed = await renewLease(
        options.db,
        options.customerId,
        options.owner,
        options.leaseMs,
        options.clock(),
      );
      if (stopped) return;
      if (!renewed) return options.onLost();
      const state = await getSyncState(options.db, options.customerId);
      if (!stopped && (state === undefined || state.isPaused)) options.onPaused();
    } catch {
      // A failed beat is retried at the next one; the lease outlives two missed beats.
    }
  };
  const schedule = () => {
    timer = setTimeout(() => {
      void beat().finally(() => {
        if (!stopped) schedule();
      });
    }, every);
  };
  schedule();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
