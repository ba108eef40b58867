import { findCustomerById, type Customer } from '../db/customers.repository.js';
import { reapUnfinishedRuns, type Claim } from '../db/scheduler.repository.js';
import type { SyncRun } from '../db/sync-runs.repository.js';
import { sourceForCustomer } from '../sync/customer-source.js';
import { runSync } from '../sync/engine.js';
import { rateLimitedSource } from './google-rate-limit.js';
import { startHeartbeat } from './lease-heartbeat.js';
import { giveBack } from './give-back.js';
import { whenReachable } from '../db/when-reachable.js';
import type { WorkerContext } from './worker-context.js';
import type { SyncProgress } from '../events/event-types.js';

/** Why a running sync was stopped before its end. */
export type StopReason = 'paused' | 'shutdown' | 'lease-lost';

/** Progress events are published at most this often per sync (each one is a NOTIFY on PostgreSQL). */
const PROGRESS_EVERY_MS = 500;

/**
 * Runs one claimed customer: closes runs a dead worker left open, syncs with a heartbeat on the
 * lease, then gives the customer back with its next run time (and pauses it after too many
 * failures in a row). Never throws: a failure here must not stop the worker's loop.
 */
export async function runClaimed(
  ctx: WorkerContext,
  claim: Claim,
  controller: AbortController,
  stopReason: () => StopReason | null,
): Promise<SyncRun | null> {
  const { db, clock, bus, metrics } = ctx;
  const { customerId } = claim;
  // Only a claim taken over from a lease that ran out can find a run left open.
  if (claim.orphaned) await reapUnfinishedRuns(db, customerId, clock());
  const customer = await findCustomerById(db, customerId);
  if (!customer) return null; // Deleted since the claim; its state row went with it.
  const heartbeat = startHeartbeat({
    db,
    customerId,
    owner: ctx.workerId,
    leaseMs: ctx.leaseMs,
    clock,
    onLost: () => ctx.stop(customerId, 'lease-lost'),
    onPaused: () => ctx.stop(customerId, 'paused'),
  });
  metrics.runsInProgress.inc();
  bus.publish({ type: 'run-started', customerId, trigger: claim.trigger, workerId: ctx.workerId });
  let run: SyncRun | null = null;
  try {
    run = await runSync(
      {
        db,
        config: ctx.config,
        clock,
        workerId: ctx.workerId,
        lease: { owner: ctx.workerId, ms: ctx.leaseMs },
        ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
        sourceFor: (c) =>
          rateLimitedSource(
            (ctx.sourceFor ?? ((x: Customer) => sourceForCustomer(x, ctx.config)))(c),
            ctx.limiters,
          ),
      },
      {
        customerId,
        customer,
        trigger: claim.trigger,
        signal: controller.signal,
        onProgress: progressPublisher(ctx, customerId),
      },
    );
    metrics.recordRun(run);
    if (run.outcome !== null)
      bus.publish({ type: 'run-finished', customerId, runId: run.id, outcome: run.outcome });
    if (run.outcome === 'success') bus.publish({ type: 'leads-changed', customerId });
  } catch (error) {
    ctx.log(`sync of ${customerId} failed outside the engine: ${(error as Error).message}`);
  } finally {
    heartbeat.stop();
    metrics.runsInProgress.dec();
  }
  const ending = { db, clock, owner: ctx.workerId, autoPauseFailures: ctx.autoPauseFailures };
  // A run the database cut short (restart, failover) is run again as soon as it is back.
  const lostDatabase = run?.error?.code === 'DATABASE_UNAVAILABLE';
  const clean = run?.outcome === 'success' || run?.outcome === 'unchanged';
  const finishedAt = run?.finishedAt ?? null;
  await whenReachable(() => giveBack(ending, customer, stopReason(), finishedAt, lostDatabase, clean), {
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  })
    .then((autoPause) => {
      if (autoPause) bus.publish({ type: 'paused', customerId, reason: autoPause });
    })
    .catch((error: unknown) => {
      // The lease then simply expires and the customer is taken again.
      ctx.log(`could not release ${customerId}: ${(error as Error).message}`);
    });
  return run;
}

function progressPublisher(ctx: WorkerContext, customerId: string): (p: SyncProgress) => void {
  let last = 0;
  return (progress) => {
    const now = Date.now();
    if (progress.percent < 100 && now - last < (ctx.progressEveryMs ?? PROGRESS_EVERY_MS)) return;
    last = now;
    ctx.bus.publish({ type: 'progress', customerId, progress });
  };
}
