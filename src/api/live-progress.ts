import type { EventBus } from '../events/events.js';
import type { SyncProgress } from '../sync/progress.js';

/**
 * The latest progress of each running sync, as its worker publishes it on the event bus (in
 * process on SQLite, LISTEN/NOTIFY across processes on PostgreSQL). The status routes prefer it
 * to the stored progress while a sync runs: during a sync's write transaction the stored row can
 * lag (on SQLite its update waits for the transaction's lock), and `applying` with its rising
 * percentage must still be visible.
 */
export class LiveProgress {
  private readonly latest = new Map<string, SyncProgress>();
  private readonly unsubscribe: () => void;

  constructor(bus: EventBus) {
    this.unsubscribe = bus.subscribe((event) => {
      if (event.type === 'progress') this.latest.set(event.customerId, event.progress);
      else if (
        event.type === 'run-started' ||
        event.type === 'run-finished' ||
        event.type === 'customer-deleted'
      )
        this.latest.delete(event.customerId);
    });
  }

  /** The live progress of a customer's running sync, if its worker reported one. */
  of(customerId: string): SyncProgress | undefined {
    return this.latest.get(customerId);
  }

  close(): void {
    this.unsubscribe();
    this.latest.clear();
  }
}
