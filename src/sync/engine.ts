import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database, RunTrigger } from '../db/database.js';
import { findCustomerById, type Customer } from '../db/customers.repository.js';
import { openLeadStage, type LeadStage } from '../db/lead-stage.js';
import { findLastGoodRun, type SyncRun } from '../db/sync-runs.repository.js';
import { startRun } from './run-events.js';
import { getSyncState, updateSyncState } from '../db/sync-states.repository.js';
import { LeadsyncError, toLeadsyncError } from '../errors.js';
import { sourceForCustomer } from './customer-source.js';
import type { SheetSource } from '../sources/types.js';
import { ProgressPersister } from './progress-persister.js';
import { ProgressTracker, type ProgressListener } from './progress.js';
import { readChanges, type ReadChangesResult } from './read-changes.js';
import type { Validators } from '../sources/types.js';
import { downloadBody, NOT_MODIFIED } from './download.js';
import { sleep as realSleep } from './sleep.js';
import { whenReachable } from '../db/when-reachable.js';
import { inputFingerprint } from './input-fingerprint.js';
import type { SpooledBody } from './body-spool.js';
import { writeInTransaction } from './write-changes.js';
import { NO_FIGURES, recordEnding, type RunChanges, type RunFigures } from './run-ending.js';
import { decideHold } from './delete-hold.js';
import { figuresOf, lastHeaders, skippedFigures, unchangedFigures } from './run-figures.js';
import {
  isSameRevision,
  parseSourceVersion,
  readRevision,
  requestsSaved,
  sourceVersionKey,
  validatorsFor,
  type SkipReason,
  type SourceVersion,
} from './source-version.js';
import type { SyncProgress } from '../events/event-types.js';
import { loadLeadIndex } from './lead-index.js';

/** Everything the engine touches from outside, so tests can swap the clock, sleep and sources. */
export interface SyncDeps {
  db: Kysely<Database>;
  config: Readonly<Config>;
  clock?: () => Date;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  sourceFor?: (customer: Customer) => SheetSource;
  workerId?: string;
  /**
   * The worker's lease on the customer, checked and renewed inside the write transaction just
   * before it commits: a worker that lost its lease (a stalled heartbeat, a long GC pause) must
   * not commit while another worker already runs the same customer.
   */
  lease?: { owner: string; ms: number };
  /** Progress is reported at most this often, in ms (a phase change always is). Default 200. */
  progressThrottleMs?: number;
}

export interface SyncRequest {
  customerId: string;
  trigger: RunTrigger;
  /**
   * Lets this run delete past the mass-delete guard, whatever it deletes: for tests and tools
   * only. Services approve with `trigger: 'approval'` instead, which binds the run to the held
   * run approved (src/sync/approval.ts) and ignores this.
   */
  allowDeletes?: boolean;
  /**
   * With `trigger: 'approval'`: the held run approved (the CLI's). Default the state's
   * `approvedRunId` (set by the API), else the customer's latest finished run when it was held.
   */
  approvedRunId?: string;
  signal?: AbortSignal | undefined;
  onProgress?: ProgressListener | undefined;
  /** The customer, when the caller has just read it (the worker has): spares reading it again. */
  customer?: Customer | undefined;
}

/**
 * One sync of one customer: download the body whole (hashed, in memory or an unlinked temp
 * file); if it and the mapping options are what the last successful run saw, end `unchanged`
 * without parsing; else parse and compare outside any transaction, staging what must be written
 * (src/db/lead-stage.ts), then write every change, the run and the state in a single
 * transaction. Always ends with the run recorded (success, unchanged, needs_review, failed or
 * cancelled) and returns it; throws only when the customer does not exist or the database
 * itself fails.
 */
export async function runSync(deps: SyncDeps, request: SyncRequest): Promise<SyncRun> {
  const { db, config } = deps;
  const clock = deps.clock ?? (() => new Date());
  const customer = request.customer ?? (await findCustomerById(db, request.customerId));
  if (!customer) throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${request.customerId}`);
  const state = await getSyncState(db, customer.id);
  const startedAt = clock();
  const run = await startRun(
    db,
    {
      customerId: customer.id,
      trigger: request.trigger,
      startedAt: startedAt.toISOString(),
      workerId: deps.workerId ?? null,
    },
    (trx) =>
      updateSyncState(
        trx,
        customer.id,
        { isRunning: true, progressPercent: 0, progressPhase: 'queued', progressMessage: 'Starting' },
        startedAt,
      ),
  );
  const persister = new ProgressPersister(db, customer.id, clock);
  const progress = new ProgressTracker(
    (p) => {
      request.onProgress?.(p);
      persister.push(p);
    },
    deps.progressThrottleMs === undefined ? {} : { throttleMs: deps.progressThrottleMs },
  );
  progress.start();

  const options = {
    keyColumn: customer.keyColumn,
    dateOrder: customer.dateOrder,
    fieldOverrides: customer.fieldOverrides,
  };
  let body: SpooledBody | null = null;
  let stage: LeadStage | null = null;
  let read: ReadChangesResult | null = null;
  let retries = 0;
  let fingerprint = '';
  // Only a state that remembers a successful body can be compared with (lastBodyHash).
  const previousVersion = state?.lastBodyHash ? parseSourceVersion(state.lastSourceVersion) : null;
  let version: SourceVersion | null = null;
  let skip: { reason: SkipReason; requestsSaved: number; bytesSaved: number } | undefined;
  const end = async (
    outcome: Parameters<typeof recordEnding>[1]['outcome'],
    figures: RunFigures,
    error: LeadsyncError | null,
    finalProgress: SyncProgress,
    trx: Kysely<Database> = db,
    heldDeleteKeys?: readonly string[],
    changes: RunChanges | null = null,
  ) =>
    recordEnding(trx, {
      heldDeleteKeys,
      changes,
      customerId: customer.id,
      runId: run.id,
      outcome,
      startedAt,
      finishedAt: clock(),
      // The timeline of the run detail page rides in the run's details.
      figures: { ...figures, details: { ...figures.details, phases: progress.phases } },
      error,
      progress: finalProgress,
      ...(outcome === 'success' || outcome === 'unchanged'
        ? {
            success: skip
              ? // Nothing was downloaded: what the last success remembered still holds.
                {
                  inputFingerprint: state?.lastBodyHash ?? '',
                  bodyBytes: state?.lastBodyBytes ?? 0,
                  headers: lastHeaders(state),
                  rowCount: state?.rowCount ?? 0,
                  sourceVersion: previousVersion,
                }
              : {
                  inputFingerprint: fingerprint,
                  bodyBytes: body!.bytes,
                  headers: read ? (read.mapping?.header.names ?? []) : lastHeaders(state),
                  rowCount: read ? read.stats.leads : (state?.rowCount ?? 0),
                  sourceVersion: version,
                },
          }
        : {}),
      ...(skip ? { skip } : {}),
    });
  /** Records an ending that wrote no lead, then reports it: 100 % only once it is committed. */
  const endDone = async (
    outcome: Parameters<typeof recordEnding>[1]['outcome'],
    figures: RunFigures,
    error: LeadsyncError | null,
    message: string,
  ): Promise<SyncRun> => {
    await persister.settle();
    const ended = await end(outcome, figures, error, progress.final(message, true));
    progress.complete(message);
    return ended;
  };

  /** Ends the run `unchanged` without a download, when there is a last good run to stand for it. */
  const endSkipped = async (reason: SkipReason, kind: SheetSource['kind']) => {
    const lastGood = await findLastGoodRun(db, customer.id);
    if (!state || !lastGood) return null;
    skip = { reason, requestsSaved: requestsSaved(kind, reason), bytesSaved: state.lastBodyBytes ?? 0 };
    const message =
      reason === 'revision'
        ? 'No changes: the sheet’s revision is the one the last sync read'
        : 'No changes: the server says the sheet was not modified since the last sync';
    return endDone('unchanged', skippedFigures(lastGood, skip, retries), null, message);
  };

  try {
    const source = (deps.sourceFor ?? ((c) => sourceForCustomer(c, config)))(customer);
    const versionKey = sourceVersionKey(source, customer.sheetUrl, options);
    if (source.revision) progress.update('fetching', 0, 'Asking Google whether the sheet changed');
    const revision = await readRevision(source, request.signal);
    if (isSameRevision(previousVersion, versionKey, revision)) {
      const skipped = await endSkipped('revision', source.kind);
      if (skipped) return skipped;
    }
    const download = (ifChanged: Validators | undefined) =>
      downloadBody(deps, {
        source,
        progress,
        previousBytes: state?.lastBodyBytes ?? null,
        signal: request.signal,
        onRetry: () => retries++,
        ...(ifChanged ? { ifChanged } : {}),
      });
    let downloaded = await download(validatorsFor(previousVersion, versionKey));
    if (downloaded === NOT_MODIFIED) {
      const skipped = await endSkipped('not_modified', source.kind);
      if (skipped) return skipped;
      // No run left to stand for the sheet (history pruned): read it after all.
      downloaded = await download(undefined);
      if (downloaded === NOT_MODIFIED) throw new LeadsyncError('INTERNAL', '304 to a plain request');
    }
    body = downloaded;
    version = {
      key: versionKey,
      revision,
      etag: body.validators?.etag ?? null,
      lastModified: body.validators?.lastModified ?? null,
    };
    fingerprint = inputFingerprint(body.hash, options);
    const lastGood = state?.lastBodyHash === fingerprint ? await findLastGoodRun(db, customer.id) : undefined;
    if (state && lastGood) {
      const figures = unchangedFigures(lastGood, body, retries, fingerprint);
      return await endDone(
        'unchanged',
        figures,
        null,
        'No changes: the sheet is byte for byte what the last sync read',
      );
    }

    stage = openLeadStage(db, { customerId: customer.id, batchSize: config.batchSize });
    read = await readChanges({
      body,
      options,
      maxRowChars: config.sheet.maxRowChars,
      index: await loadLeadIndex(db, customer.id),
      stage,
      progress,
      signal: request.signal,
    });
    const figures = figuresOf(read, body, retries, fingerprint, state);
    const deletes = read.deleteKeys.length;
    const hold = await decideHold(db, {
      customerId: customer.id,
      deleteThresholdPercent: customer.deleteThresholdPercent,
      runId: run.id,
      approval: request.trigger === 'approval',
      approvedRunId: request.approvedRunId ?? state?.approvedRunId ?? null,
      allowDeletes: Boolean(request.allowDeletes),
      deleteKeys: read.deleteKeys,
      sheetLeads: read.stats.leads,
      now: clock(),
      windowDays: config.deleteGuardWindowDays,
    });
    if (hold) {
      const message = `Held: would delete ${deletes} of ${hold.liveLeads} leads`;
      await persister.settle();
      const details = { ...figures.details, ...hold.details };
      const ended = await end(
        'needs_review',
        { ...figures, rowsInserted: 0, rowsUpdated: 0, rowsDeleted: 0, pendingDeletes: deletes, details },
        hold.error,
        progress.final(message, true),
        db,
        read.deleteKeys,
      );
      progress.complete(message);
      return ended;
    }
    if (stage.upserts === 0 && deletes === 0) return await endDone('unchanged', figures, null, 'No changes');
    await stage.addDeletes(read.deleteKeys);
    const writes = stage.upserts;
    let wrote = '';
    const result = await writeInTransaction(deps, {
      customerId: customer.id,
      stage,
      progress,
      signal: request.signal,
      runId: run.id,
      insertsOnly: read.updates + read.restores === 0,
      finish: (trx, rowsDeleted, batch) => {
        wrote = `Wrote ${writes} and deleted ${rowsDeleted} leads`;
        const counts = { insert: read!.inserts, update: read!.updates, restore: read!.restores };
        const changes = batch && { batch, counts: { ...counts, delete: rowsDeleted, edit: 0 } };
        return end(
          'success',
          { ...figures, rowsDeleted },
          null,
          progress.final(wrote, true),
          trx,
          undefined,
          changes,
        );
      },
    });
    // Only now, committed and visible to every connection, is the run done.
    await persister.settle();
    progress.complete(wrote);
    return result;
  } catch (caught) {
    // Aborted with a reason that is not a cancellation (the process's last resort): that error.
    const reason: unknown = request.signal?.aborted ? request.signal.reason : undefined;
    const error =
      reason instanceof LeadsyncError && reason.code !== 'SYNC_CANCELLED' ? reason : toLeadsyncError(caught);
    if (error.code === 'CUSTOMER_NOT_FOUND') throw error;
    await persister.settle();
    const figures =
      read && body
        ? {
            ...figuresOf(read, body, retries, fingerprint, state),
            rowsInserted: 0,
            rowsUpdated: 0,
            rowsDeleted: 0,
          }
        : { ...NO_FIGURES, retryCount: retries, bytes: body?.bytes ?? 0 };
    const cancelled = error.code === 'SYNC_CANCELLED';
    const message = cancelled ? 'Cancelled; nothing was written' : `Failed: ${error.code}: ${error.message}`;
    // The database may be what failed (a restart, a failover): the ending waits for it to return,
    // so the run is closed and the customer no longer running once it does.
    const ended = await whenReachable(
      () => end(cancelled ? 'cancelled' : 'failed', figures, error, progress.final(message, false)),
      { sleep: (ms) => (deps.sleep ?? realSleep)(ms) },
    ).catch((recording: unknown) => {
      // Not even the ending could be written (a read-only file, a database still away): the
      // caller gets a coded error, not a driver's.
      throw toLeadsyncError(recording);
    });
    progress.abandon(message);
    return ended;
  } finally {
    progress.stop();
    // A failed clean-up (the database went away) must not replace the run being returned; a
    // PostgreSQL stage left behind is dropped when a worker starts (dropStalePostgresStages).
    await stage?.dispose().catch(() => {});
    await body?.dispose();
  }
}
