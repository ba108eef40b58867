import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { traitsOf } from '../db/dialect.js';
import { commitChangeBatch, type ChangeBatch } from '../db/change-batches.repository.js';
import type { LeadStage } from '../db/lead-stage.js';
import { isLeaseHeld, renewLease, renewOwnerLeases } from '../db/sync-leases.repository.js';
import type { SyncRun } from '../db/sync-runs.repository.js';
import { LeadsyncError } from '../errors.js';
import type { SyncDeps } from './engine.js';
import type { ProgressTracker } from './progress.js';

export interface WriteInput {
  customerId: string;
  stage: LeadStage;
  progress: ProgressTracker;
  signal?: AbortSignal | undefined;
  /** The run: its id is the change batch's (src/db/change-batches.repository.ts). */
  runId: string;
  /** The diff found only new leads: their changes are recorded without looking for old values. */
  insertsOnly: boolean;
  /**
   * Records the run and the state inside the same transaction, after the leads and the change
   * batch (null when no lead changed after all).
   */
  finish(trx: Kysely<Database>, rowsDeleted: number, batch: ChangeBatch | null): Promise<SyncRun>;
}

/**
 * The sync's one write transaction: the staged leads merged chunk by chunk (progress after
 * each, cancellation at each boundary, rolled back whole) with their changes recorded for the
 * feed, then the change batch's position, the run and the state.
 *
 * The lease fences it: a worker that lost its lease writes nothing (WORKER_LOST). On
 * PostgreSQL the heartbeat keeps renewing from its own connection while this runs; the lease is
 * checked at the start and renewed (and its row locked) just before commit. On SQLite the write
 * lock is the whole database's, so the heartbeat's own UPDATE waits for this transaction: the
 * lease is renewed from inside it instead, at the start, every third of a lease and at the end,
 * together with the worker's other leases, so a write longer than a lease still commits and no
 * other customer of this worker is lost meanwhile (nobody else can claim while we hold the lock).
 */
export async function writeInTransaction(deps: SyncDeps, input: WriteInput): Promise<SyncRun> {
  const clock = deps.clock ?? (() => new Date());
  const { lease } = deps;
  const { progress, signal } = input;
  return input.stage.commit(async (trx, apply) => {
    const singleWriter = traitsOf(trx).singleWriter;
    const fence = async (renew: boolean) => {
      if (!lease) return;
      const now = clock();
      const held = renew
        ? await renewLease(trx, input.customerId, lease.owner, lease.ms, now)
        : await isLeaseHeld(trx, input.customerId, lease.owner, now);
      if (!held) {
        throw new LeadsyncError(
          'WORKER_LOST',
          'The worker lost its lease on this customer before committing; nothing was written',
        );
      }
      if (renew && singleWriter) await renewOwnerLeases(trx, lease.owner, lease.ms, now);
    };
    await fence(singleWriter);
    let renewedAt = Date.now();
    const now = clock().toISOString();
    const merged = await apply({
      now,
      batchId: input.runId,
      insertsOnly: input.insertsOnly,
      onChunk: async (done, total, phase) => {
        // "Writing", not "Wrote": nothing of it is visible until the transaction commits.
        const what = phase === 'write' ? 'Writing' : 'Deleting';
        progress.update(
          'applying',
          total ? done / total : 1,
          `${what} ${done.toLocaleString('en')} of ${total.toLocaleString('en')}`,
        );
        if (signal?.aborted)
          throw new LeadsyncError('SYNC_CANCELLED', 'The sync was cancelled; nothing was written');
        if (lease && singleWriter && Date.now() - renewedAt > lease.ms / 3) {
          await fence(true);
          renewedAt = Date.now();
        }
      },
    });
    // The UPDATE also locks the state row until commit, so no claim can slip in between.
    await fence(true);
    // Last but the run's own rows: the feed position's lock is held until commit (see there).
    const batch = await commitChangeBatch(trx, {
      id: input.runId,
      customerId: input.customerId,
      runId: input.runId,
      at: now,
      changes: merged.changes,
      lastSeq: merged.lastSeq,
    });
    return input.finish(trx, merged.deleted, batch);
  });
}
