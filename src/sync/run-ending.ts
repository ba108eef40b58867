import type { Kysely } from 'kysely';
import type { ChangeBatch } from '../db/change-batches.repository.js';
import type { ChangeOp, Database, RunOutcome } from '../db/database.js';
import { finishRun, findRunById, type FigureKey, type SyncRun } from '../db/sync-runs.repository.js';
import { countLiveSheetLeads } from '../db/leads-sync.repository.js';
import { countSkip, getSyncState, updateSyncState } from '../db/sync-states.repository.js';
import type { LeadsyncError } from '../errors.js';
import { inTransaction } from '../db/repository-helpers.js';
import { dropHeldDeletes, saveHeldDeletes } from '../db/held-deletes.repository.js';
import { recordRunEvents } from './run-events.js';
import type { SkipReason, SourceVersion } from './source-version.js';
import type { SyncProgress } from '../events/event-types.js';

/** What a run counted: the run's own figure columns and its details. */
export type RunFigures = Pick<SyncRun, FigureKey | 'details' | 'warnings'>;

export const NO_FIGURES: RunFigures = {
  rowsProcessed: 0,
  rowsInserted: 0,
  rowsUpdated: 0,
  rowsDeleted: 0,
  rowsUnchanged: 0,
  duplicateKeys: 0,
  retryCount: 0,
  bytes: 0,
  checksum: null,
  headerRow: null,
  pendingDeletes: null,
  details: null,
  warnings: [],
};

/** The change batch a run's write committed, with how many changes of each op it holds. */
export interface RunChanges {
  batch: ChangeBatch;
  counts: Record<ChangeOp, number>;
}

export interface Ending {
  customerId: string;
  runId: string;
  outcome: RunOutcome;
  startedAt: Date;
  finishedAt: Date;
  figures: RunFigures;
  error: LeadsyncError | null;
  progress: SyncProgress;
  /** A held run's delete set: what its approval may delete (src/db/held-deletes.repository.ts). */
  heldDeleteKeys?: readonly string[] | undefined;
  /** What a success remembers for the next run's change detection. */
  success?: {
    /** input-fingerprint.ts: the body's SHA-1 with the mapping options; stored as `lastBodyHash`. */
    inputFingerprint: string;
    bodyBytes: number;
    headers: string[];
    rowCount: number;
    sourceVersion: SourceVersion | null;
  };
  /** The run ended `unchanged` without a download: counted for the metrics. */
  skip?: { reason: SkipReason; requestsSaved: number; bytesSaved: number };
  /** The run's change batch (a success that changed leads): the `leads.changed` event. */
  changes?: RunChanges | null;
}

/**
 * Closes a run and updates the customer's state in one go (the caller passes a transaction
 * when the run also wrote leads, so leads, run and state commit together).
 */
export function recordEnding(db: Kysely<Database>, end: Ending): Promise<SyncRun> {
  // One transaction even without lead writes: the run, the state and the notification events it
  // causes (outbox, sync/run-events.ts) commit together or not at all.
  return inTransaction(db, (trx) => writeEnding(trx, end));
}

async function writeEnding(db: Kysely<Database>, end: Ending): Promise<SyncRun> {
  const durationMs = end.finishedAt.getTime() - end.startedAt.getTime();
  const f = end.figures;
  const finished = await finishRun(db, end.runId, {
    ...f,
    outcome: end.outcome,
    finishedAt: end.finishedAt.toISOString(),
    durationMs,
    error: end.error ? { code: end.error.code, message: end.error.message } : null,
    // Counted inside the run's transaction, so it is what this run's writes leave behind.
    ...(end.success && { liveLeadsAfter: await countLiveSheetLeads(db, end.customerId) }),
  });
  // Only the latest finished run can be approved: its set replaces the others, any other ending drops them.
  if (finished) {
    if (end.heldDeleteKeys) await saveHeldDeletes(db, end.customerId, end.runId, end.heldDeleteKeys);
    else await dropHeldDeletes(db, end.customerId);
  }
  const previous = await getSyncState(db, end.customerId);
  const failed = end.outcome === 'failed';
  await updateSyncState(
    db,
    end.customerId,
    {
      isRunning: false,
      syncDuration: durationMs,
      rowsProcessed: f.rowsProcessed,
      rowsInserted: f.rowsInserted,
      rowsUpdated: f.rowsUpdated,
      rowsDeleted: f.rowsDeleted,
      retryCount: f.retryCount,
      errorCount: (previous?.errorCount ?? 0) + (failed ? 1 : 0),
      consecutiveFailures: failed
        ? (previous?.consecutiveFailures ?? 0) + 1
        : end.success
          ? 0
          : (previous?.consecutiveFailures ?? 0),
      progressPercent: end.progress.percent,
      progressPhase: end.progress.phase,
      progressMessage: end.progress.message,
      lastSyncAt: end.finishedAt.toISOString(),
      lastOutcome: end.outcome,
      lastErrorCode: end.error?.code ?? null,
      lastErrorMessage: end.error?.message ?? null,
      lastWarnings: f.warnings,
      ...(end.success && {
        lastSuccessAt: end.finishedAt.toISOString(),
        lastChecksum: f.checksum,
        lastBodyHash: end.success.inputFingerprint,
        lastBodyBytes: end.success.bodyBytes,
        lastHeaders: end.success.headers,
        rowCount: end.success.rowCount,
        lastSourceVersion: end.success.sourceVersion && JSON.stringify(end.success.sourceVersion),
      }),
    },
    end.finishedAt,
  );
  if (end.skip) await countSkip(db, end.customerId, end.skip);
  await recordRunEvents(db, end, previous);
  // undefined when the run was already closed (reaped as WORKER_LOST): report it as it stands.
  const run = finished ?? (await findRunById(db, end.runId));
  if (!run) throw new Error(`run ${end.runId} vanished while being recorded`);
  return run;
}
