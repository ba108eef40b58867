import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { setProgress } from '../db/sync-states.repository.js';
import type { SyncProgress } from '../events/event-types.js';

/**
 * Writes a running sync's progress to `lead_sync_states` so other processes can show it,
 * at most once per `intervalMs` and one write at a time (only the latest value matters).
 * It keeps writing while the run's write transaction is open (on PostgreSQL they land at once;
 * on SQLite they wait for the transaction's lock); a write that lands after the run recorded
 * its end changes nothing (setProgress only writes while the state says running).
 * The first write waits one interval too: the run has just written its start ("queued") with the
 * state, and a sync that ends within a second (most unchanged ones) needs no progress write at all.
 * `settle()` before the run records its end, which writes the final progress itself.
 */
export class ProgressPersister {
  private latest: SyncProgress | null = null;
  private writing: Promise<void> = Promise.resolve();
  private lastWrite = 0;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly customerId: string,
    private readonly clock: () => Date,
    private readonly intervalMs = 1000,
  ) {
    this.lastWrite = clock().getTime();
  }

  push(progress: SyncProgress): void {
    if (this.stopped) return;
    this.latest = progress;
    const now = this.clock().getTime();
    if (now - this.lastWrite < this.intervalMs) return;
    this.lastWrite = now;
    this.writing = this.writing.then(() => this.write());
  }

  /**
   * Ignores later pushes and waits for the write in flight; a value not written yet is dropped,
   * since the run's ending writes the final progress with the state (sync/record-outcome.ts).
   */
  async settle(): Promise<void> {
    this.stopped = true;
    this.latest = null;
    await this.writing;
  }

  private async write(): Promise<void> {
    const progress = this.latest;
    if (!progress) return;
    this.latest = null;
    try {
      await setProgress(this.db, this.customerId, progress, this.clock());
    } catch {
      // Progress is advisory: a failed write must never fail the sync itself.
    }
  }
}
