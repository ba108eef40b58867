import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { getSyncState, type SyncState } from '../../src/db/sync-states.repository.js';
import { until } from '../service/until.js';

/**
 * Waits until no further run of the customer can start on its own: paused, or no run asked for,
 * no lease held (the last run released it) and no scheduled run due within a minute. What a
 * test asserts then ("exactly N runs") cannot change, so it needs no "sleep and see" (which a
 * loaded machine turns into a pass for the wrong reason).
 */
export async function settled(db: Kysely<Database>, customerId: string): Promise<SyncState> {
  const state = await until(
    () => getSyncState(db, customerId),
    (s) =>
      s !== undefined &&
      s.leaseOwner === null &&
      (s.isPaused ||
        (s.pendingTrigger === null &&
          (s.nextRunAt === null || Date.parse(s.nextRunAt) > Date.now() + 60_000))),
  );
  return state!;
}
