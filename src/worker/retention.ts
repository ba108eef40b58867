import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { serviceConfigOf, type Config } from '../config.js';
import type { Database } from '../db/database.js';
import { pruneOutboxEvents, pruneWebhookDeliveries } from '../db/notify-retention.repository.js';
import { foldOldRuns } from '../db/run-retention.repository.js';

const DAY_MS = 86_400_000;
/** Rows per statement: short transactions, so the sync's writes and the API never wait long. */
const BATCH = 500;
/** Batches per kind per round: a year's backlog is worked off over a few rounds, not in one go. */
const MAX_BATCHES = 200;

export interface PruneCounts {
  deliveries: number;
  events: number;
  runs: number;
}

export interface RetentionOptions {
  db: Kysely<Database>;
  config: Readonly<Config>;
  clock?: () => Date;
  log?: (message: string) => void;
  /** Rows per statement. Default 500. */
  batch?: number;
}

/**
 * Keeps the history tables bounded, run by every worker process every LEADSYNC_PRUNE_INTERVAL_MS:
 * finished webhook deliveries and dispatched outbox events (with their mail done) older than
 * LEADSYNC_RETENTION_DAYS are deleted; a customer's finished runs beyond its newest
 * LEADSYNC_RUNS_KEPT (and older than the mass-delete guard's window, which reads them) are
 * folded into daily totals. Small batches with a turn of the event loop between them. Several
 * processes may prune at once: each statement is safe alone (run-retention.repository.ts).
 */
export class RetentionPruner {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<unknown> = Promise.resolve();
  private readonly clock: () => Date;
  private readonly batch: number;

  constructor(private readonly options: RetentionOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.batch = options.batch ?? BATCH;
  }

  start(): void {
    const { intervalMs } = serviceConfigOf(this.options.config).retention;
    this.timer = setInterval(() => {
      this.round = this.round.then(() =>
        this.runOnce().catch((error: unknown) =>
          // The database may be away; the next round tries again.
          this.options.log?.(`retention round failed: ${(error as Error).message}`),
        ),
      );
    }, intervalMs);
    this.timer.unref();
  }

  /** One round: every kind pruned in batches until nothing is left to do (or MAX_BATCHES). */
  async runOnce(now = this.clock()): Promise<PruneCounts> {
    const { config, db } = this.options;
    const { days, runsKept } = serviceConfigOf(config).retention;
    const before = new Date(now.getTime() - days * DAY_MS);
    const keepSince = new Date(now.getTime() - config.deleteGuardWindowDays * DAY_MS);
    const counts: PruneCounts = {
      // Deliveries first: an event goes only once its deliveries are settled.
      deliveries: await this.drain(() => pruneWebhookDeliveries(db, before, this.batch)),
      events: await this.drain(() => pruneOutboxEvents(db, before, this.batch)),
      runs: await this.drain(() => foldOldRuns(db, { keep: runsKept, keepSince, limit: this.batch })),
    };
    if (counts.deliveries + counts.events + counts.runs > 0) {
      this.options.log?.(
        `retention: deleted ${counts.deliveries} deliveries and ${counts.events} events, folded ${counts.runs} runs into daily totals`,
      );
    }
    return counts;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.round;
  }

  private async drain(step: () => Promise<number>): Promise<number> {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const n = await step();
      total += n;
      if (n < this.batch) break;
      await nextTurn();
    }
    return total;
  }
}
