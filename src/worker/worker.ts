import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { claimDueCustomers, type Claim } from '../db/scheduler.repository.js';
import { LeadsyncError } from '../errors.js';
import { HistoryRetention } from './history-retention.js';
import { runClaimed, type StopReason } from './run-claimed.js';
import { googleLimitersFor } from './shared-rate-limit.js';
import { SyncSlots } from './sync-slots.js';
import type { WorkerContext } from './worker-context.js';
import { sleep as realSleep } from '../sync/sleep.js';

/** Syncs held per slot at most, working or sleeping in backoff (see SyncSlots). */
const HELD_PER_SLOT = 4;

export interface WorkerOptions extends Omit<
  WorkerContext,
  'stop' | 'workerId' | 'limiters' | 'log' | 'clock' | 'sleep'
> {
  concurrency: number;
  pollIntervalMs: number;
  clock?: () => Date;
  workerId?: string;
  limiters?: WorkerContext['limiters'];
  log?: (message: string) => void;
}

interface Running {
  controller: AbortController;
  reason: StopReason | null;
  done: Promise<unknown>;
}

const STOP_MESSAGES: Record<StopReason, string> = {
  paused: 'The sync was cancelled because the customer was paused; nothing was written',
  shutdown: 'The sync was cancelled because its worker shut down; it will run again',
  'lease-lost': 'The sync was cancelled because its worker lost the lease',
};

/**
 * Claims due customers and syncs up to `concurrency` of them at once. Wakes on its poll interval,
 * when one of its syncs ends, and when a run is queued anywhere (the `queued` event), so a
 * trigger starts within milliseconds rather than at the next poll.
 */
export class Worker {
  private readonly running = new Map<string, Running>();
  private readonly ctx: WorkerContext;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly retention: HistoryRetention | null;
  private readonly slots: SyncSlots;

  constructor(private readonly options: WorkerOptions) {
    const service = options.config.service;
    this.slots = new SyncSlots(options.concurrency, options.concurrency * HELD_PER_SLOT, () => this.wake());
    const slots = this.slots;
    this.ctx = {
      ...options,
      clock: options.clock ?? (() => new Date()),
      workerId: options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
      limiters:
        options.limiters ??
        googleLimitersFor(
          options.db,
          service?.rateLimits.googleProjectPerMinute ?? 300,
          service?.rateLimits.googleUserPerMinute ?? 60,
        ),
      stop: (customerId, reason) => this.stopSync(customerId, reason),
      // A sync sleeping in backoff lends its slot to the others meanwhile.
      sleep: (ms, signal) => slots.away(() => realSleep(ms, signal)),
      log: options.log ?? (() => {}),
    };
    const days = options.config.historyDays ?? null;
    this.retention = days === null ? null : new HistoryRetention(options.db, days, this.ctx.clock);
  }

  get id(): string {
    return this.ctx.workerId;
  }

  /** Customers being synced right now. */
  get active(): string[] {
    return [...this.running.keys()];
  }

  start(): void {
    if (this.loop) return;
    this.unsubscribe = this.ctx.bus.subscribe((event) => {
      if (event.type === 'paused' || event.type === 'customer-deleted')
        this.stopSync(event.customerId, 'paused');
      if (event.type === 'queued' || event.type === 'resumed') this.wake();
    });
    this.loop = this.run();
  }

  /** Stops claiming, cancels running syncs at their next batch boundary, releases their leases. */
  async close(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    for (const id of this.running.keys()) this.stopSync(id, 'shutdown');
    await Promise.all([...this.running.values()].map((r) => r.done));
    this.unsubscribe?.();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const free = this.slots.free;
      if (free > 0) {
        let claims: Claim[] = [];
        try {
          claims = await claimDueCustomers(this.ctx.db, this.ctx.workerId, {
            leaseMs: this.ctx.leaseMs,
            limit: free,
            now: this.ctx.clock(),
          });
        } catch (error) {
          // The database may be restarting; stays idle for one poll instead of hot-looping.
          this.ctx.log(`claim failed: ${(error as Error).message}`);
        }
        for (const claim of claims) {
          // Our own run's lease ran out (a late heartbeat) and we claimed the customer again: the
          // fresh lease is ours, so that run's heartbeat keeps it; a second run would overlap.
          if (!this.running.has(claim.customerId)) this.launch(claim);
        }
        if (this.stopping) break;
      }
      await this.retention?.tick().catch((error: unknown) => {
        this.ctx.log(`history retention failed: ${(error as Error).message}`);
      });
      await this.idle(this.options.pollIntervalMs);
    }
  }

  private launch(claim: Claim): void {
    this.slots.take();
    const entry: Running = { controller: new AbortController(), reason: null, done: Promise.resolve() };
    entry.done = runClaimed(this.ctx, claim, entry.controller, () => entry.reason)
      .catch((error: unknown) =>
        this.ctx.log(`run of ${claim.customerId} failed: ${(error as Error).message}`),
      )
      .finally(() => {
        this.running.delete(claim.customerId);
        this.slots.end();
        this.wake();
      });
    this.running.set(claim.customerId, entry);
  }

  /** Ends every running sync with `error` (the process's last resort, service/last-resort.ts). */
  failRunning(error: LeadsyncError): void {
    for (const entry of this.running.values()) {
      if (entry.reason) continue;
      entry.controller.abort(error);
    }
  }

  private stopSync(customerId: string, reason: StopReason): void {
    const entry = this.running.get(customerId);
    if (!entry || entry.reason) return;
    entry.reason = reason;
    entry.controller.abort(
      new LeadsyncError('SYNC_CANCELLED', STOP_MESSAGES[reason], { details: { reason } }),
    );
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private wake(): void {
    this.wakeUp?.();
  }
}
