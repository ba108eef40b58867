import type { EventBus } from '../events/event-bus.js';
import type { SyncProgress } from '../events/event-types.js';

/**
 * The latest progress of each running sync, as its worker publishes it on the event bus (in
 * process on SQLite, LISTEN/NOTIFY across processes on PostgreSQL). The status routes prefer it
 * to the stored progress while a sync runs: during a sync's write transaction the stored row can
 * lag (on SQLite its update waits for the transaction's lock), and `applying` with its rising
 * percentage must still be visible.
 */
/**
 * A report older than this no longer counts (a running sync reports at least once a second): a
 * worker that died without its run-finished event must not leave a customer "running" here.
 */
const FRESH_MS = 10_000;

export class LiveProgress {
  private readonly latest = new Map<string, { progress: SyncProgress; at: number }>();
  private readonly unsubscribe: () => void;
  private readonly unsubscribeGap: () => void;

  constructor(
    bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {
    this.unsubscribe = bus.subscribe((event) => {
      if (event.type === 'progress')
        this.latest.set(event.customerId, { progress: event.progress, at: this.now() });
      else if (
        event.type === 'run-started' ||
        event.type === 'run-finished' ||
        event.type === 'customer-deleted'
      )
        this.latest.delete(event.customerId);
    });
    // Events were lost (the PostgreSQL bus reconnects): a run-finished may be among them, so no
    // report can be trusted to mean "running" any more; the stored lease says it until new ones come.
    this.unsubscribeGap = bus.onGap(() => this.latest.clear());
  }

  /** The live progress of a customer's running sync, if its worker reported one lately. */
  of(customerId: string): SyncProgress | undefined {
    const entry = this.latest.get(customerId);
    if (entry && this.now() - entry.at > FRESH_MS) this.latest.delete(customerId);
    else return entry?.progress;
    return undefined;
  }

  close(): void {
    this.unsubscribe();
    this.unsubscribeGap();
    this.latest.clear();
  }
}
