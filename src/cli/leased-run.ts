import { hostname } from 'node:os';
import type { Config } from '../config.js';
import { serviceConfigOf } from '../config.js';
import type { Customer } from '../db/customers.repository.js';
import type { DatabaseHandle } from '../db/connection.js';
import { reapUnfinishedRuns } from '../db/scheduler.repository.js';
import type { SyncRun } from '../db/sync-runs.repository.js';
import { getSyncState } from '../db/sync-states.repository.js';
import { LeadsyncError } from '../errors.js';
import { runSync, type SyncRequest } from '../sync/engine.js';
import { giveBack } from '../worker/give-back.js';
import { startHeartbeat } from '../worker/lease-heartbeat.js';
import type { StopReason } from '../worker/run-claimed.js';
import { interruptedExitCode } from './commands/run-output.js';
import { takeLeaseWhenFree } from './lease-wait.js';
import type { Io } from './output.js';

export interface WaitChoice {
  /** false for `--no-wait`. */
  wait: boolean;
  waitTimeoutMs: number;
}

export type LeasedRunResult =
  | { kind: 'ran'; run: SyncRun }
  /** Ctrl-C or SIGTERM: the run (if it started) is recorded as cancelled and the lease is released. */
  | { kind: 'interrupted'; signal: NodeJS.Signals; run: SyncRun | null };

/** The owner the CLI's leases and runs carry: which machine and process to look at. */
export const cliOwner = (): string => `cli:${hostname()}:${process.pid}`;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * One CLI sync of `customer` under its lease, like a worker's: wait for (or refuse, `--no-wait`)
 * a live lease held by someone else, take it, close runs a dead holder left open, sync with the
 * heartbeat renewing the lease, then give the customer back with its next run time, so the
 * service neither runs the customer beside the CLI nor syncs it again right after.
 * `beforeRun` runs once the lease is held (the customer's settings change only then).
 */
export async function runUnderLease(
  ctx: { config: Readonly<Config>; handle: DatabaseHandle },
  io: Io,
  customer: Customer,
  request: Omit<SyncRequest, 'customerId' | 'signal'>,
  choice: WaitChoice,
  beforeRun: () => Promise<Customer> = () => Promise.resolve(customer),
): Promise<LeasedRunResult> {
  const { db } = ctx.handle;
  const service = serviceConfigOf(ctx.config);
  const leaseMs = service.worker.leaseMs;
  const owner = cliOwner();
  const controller = new AbortController();
  let interrupted: NodeJS.Signals | null = null;
  let stopped: StopReason | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second one: leave now; the lease expires on its own within LEADSYNC_LEASE_MS.
    if (interrupted) process.exit(interruptedExitCode(signal));
    interrupted = signal;
    stopped = 'shutdown';
    io.err(`\n${signal}: stopping (again to quit at once)\n`);
    controller.abort(
      new LeadsyncError('SYNC_CANCELLED', `The sync was cancelled by ${signal}; nothing was written`),
    );
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    let waitedMs: number;
    let toldWaiting = false;
    try {
      waitedMs = await takeLeaseWhenFree({
        db,
        customer,
        owner,
        leaseMs,
        servesApproval: request.trigger === 'approval',
        wait: choice.wait,
        waitTimeoutMs: choice.waitTimeoutMs,
        signal: controller.signal,
        onWait: (holder) => {
          toldWaiting = true;
          io.err(
            `customer ${customer.name} is being synced by ${holder}; waiting for it to finish (Ctrl-C to stop, --no-wait to exit)\n`,
          );
        },
        pollMs: service.worker.leaseWaitPollMs,
      });
    } catch (error) {
      if (interrupted) return { kind: 'interrupted', signal: interrupted, run: null };
      throw error;
    }
    // Whoever was told it waits is told when the waiting ended, however short it was.
    if (toldWaiting) io.err(`waited ${(waitedMs / 1000).toFixed(1)} s; syncing ${customer.name}\n`);
    const ending = {
      db,
      clock: () => new Date(),
      owner,
      autoPauseFailures: service.worker.autoPauseFailures,
    };
    let current: Customer;
    try {
      current = await beforeRun();
    } catch (error) {
      // Nothing ran: give the customer back with whatever it was asked for still queued.
      await giveBack(ending, customer, 'shutdown', null);
      throw error;
    }
    let run: SyncRun | null = null;
    const pausedAtStart = (await getSyncState(db, customer.id))?.isPaused ?? false;
    const heartbeat = startHeartbeat({
      db,
      customerId: customer.id,
      owner,
      leaseMs,
      clock: () => new Date(),
      onLost: () => stop('lease-lost', 'the CLI lost its lease on the customer (another process took it)'),
      // Someone paused the customer (or deleted it) while the CLI synced it; a customer that was
      // already paused is the CLI user's explicit choice and keeps syncing.
      onPaused: () => {
        if (!pausedAtStart) stop('paused', 'the customer was paused');
      },
    });
    function stop(reason: StopReason, why: string): void {
      if (stopped) return;
      stopped = reason;
      controller.abort(
        new LeadsyncError('SYNC_CANCELLED', `The sync was cancelled because ${why}; nothing was written`, {
          details: { reason },
        }),
      );
    }
    try {
      await reapUnfinishedRuns(db, customer.id, new Date());
      run = await runSync(
        { db, config: ctx.config, workerId: owner, lease: { owner, ms: leaseMs } },
        { ...request, customerId: current.id, signal: controller.signal },
      );
    } finally {
      heartbeat.stop();
      const autoPause = await giveBack(ending, current, stopped, run?.finishedAt ?? null);
      if (autoPause) io.err(`${autoPause}\n`);
    }
    if (interrupted) return { kind: 'interrupted', signal: interrupted, run };
    return { kind: 'ran', run };
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}
