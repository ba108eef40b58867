import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database, RunTrigger } from '../db/database.js';
import { findCustomerById, type Customer } from '../db/customers.repository.js';
import { massDeleteBaseline } from '../db/delete-guard.repository.js';
import { describeSheetLeads, loadLeadIndex } from '../db/leads-sync.repository.js';
import { openLeadStage, type LeadStage } from '../db/lead-stage.js';
import { findLastGoodRun, type SyncRun } from '../db/sync-runs.repository.js';
import { startRun } from '../notify/run-events.js';
import { getSyncState, updateSyncState, type SyncState } from '../db/sync-states.repository.js';
import { LeadsyncError, toLeadsyncError } from '../errors.js';
import { sourceForCustomer } from './customer-source.js';
import type { SheetSource } from '../sources/types.js';
import { isMassDelete, massDeleteMessage, type MassDeleteInput } from './diff.js';
import { ProgressPersister } from './progress-persister.js';
import { ProgressTracker, type ProgressListener } from './progress.js';
import { readChanges, type ReadChangesResult } from './read-changes.js';
import { downloadBody } from './download.js';
import type { SpooledBody } from './body-spool.js';
import { inputFingerprint } from './input-fingerprint.js';
import { writeInTransaction } from './write-changes.js';
import { NO_FIGURES, recordEnding, type RunChanges, type RunFigures } from './record-outcome.js';

/** How many of a held run's deletes are named on the run, for a person to check before approving. */
const HELD_SAMPLE = 25;

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
}

export interface SyncRequest {
  customerId: string;
  trigger: RunTrigger;
  /** Lets this run delete past the mass-delete guard (an approval). */
  allowDeletes?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
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
  const customer = await findCustomerById(db, request.customerId);
  if (!customer) throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${request.customerId}`);
  const state = await getSyncState(db, customer.id);
  const startedAt = clock();
  const run = await startRun(db, {
    customerId: customer.id,
    trigger: request.trigger,
    startedAt: startedAt.toISOString(),
    workerId: deps.workerId ?? null,
  });
  const persister = new ProgressPersister(db, customer.id, clock);
  const progress = new ProgressTracker((p) => {
    request.onProgress?.(p);
    persister.push(p);
  });
  await updateSyncState(
    db,
    customer.id,
    { isRunning: true, progressPercent: 0, progressPhase: 'queued', progressMessage: 'Starting' },
    startedAt,
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
  const end = async (
    outcome: Parameters<typeof recordEnding>[1]['outcome'],
    figures: RunFigures,
    error: LeadsyncError | null,
    trx: Kysely<Database> = db,
    changes: RunChanges | null = null,
  ) =>
    recordEnding(trx, {
      changes,
      customerId: customer.id,
      runId: run.id,
      outcome,
      startedAt,
      finishedAt: clock(),
      figures,
      error,
      progress: progress.value,
      ...(outcome === 'success' || outcome === 'unchanged'
        ? {
            success: {
              bodyHash: fingerprint,
              bodyBytes: body!.bytes,
              headers: read ? (read.mapping?.header.names ?? []) : lastHeaders(state),
              rowCount: read ? read.stats.leads : (state?.rowCount ?? 0),
            },
          }
        : {}),
    });

  try {
    const source = (deps.sourceFor ?? ((c) => sourceForCustomer(c, config)))(customer);
    body = await downloadBody(deps, {
      source,
      progress,
      previousBytes: state?.lastBodyBytes ?? null,
      signal: request.signal,
      onRetry: () => retries++,
    });
    fingerprint = inputFingerprint(body.hash, options);
    const lastGood = state?.lastBodyHash === fingerprint ? await findLastGoodRun(db, customer.id) : undefined;
    if (state && lastGood) {
      await persister.flushAndStop();
      progress.complete('No changes: the sheet is byte for byte what the last sync read');
      return await end('unchanged', unchangedFigures(lastGood, body, retries, fingerprint), null);
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
    const figures = figuresOf(read, body, retries, fingerprint);
    const windowDays = config.deleteGuardWindowDays;
    const guard = await massDeleteBaseline(db, customer.id, clock(), windowDays);
    const { liveLeads, baseline } = guard;
    const deletes = read.deleteKeys.length;

    const massDelete: MassDeleteInput = {
      deletes,
      liveLeads,
      baseline,
      sheetLeads: read.stats.leads,
      thresholdPercent: customer.deleteThresholdPercent,
    };
    if (!request.allowDeletes && isMassDelete(massDelete)) {
      await persister.flushAndStop();
      progress.complete(`Held: would delete ${deletes} of ${liveLeads} leads`);
      const message = massDeleteMessage(massDelete, { days: windowDays, sinceApproval: guard.sinceApproval });
      const held = new LeadsyncError('MASS_DELETE_HELD', message, {
        details: { pendingDeletes: deletes, liveLeads, recentLiveLeads: baseline, recentSince: guard.since },
      });
      const pendingDeleteSample = await describeSheetLeads(
        db,
        customer.id,
        read.deleteKeys.slice(0, HELD_SAMPLE),
      );
      const details = { ...figures.details, pendingDeleteSample, liveLeads, recentLiveLeads: baseline };
      return await end(
        'needs_review',
        { ...figures, rowsInserted: 0, rowsUpdated: 0, rowsDeleted: 0, pendingDeletes: deletes, details },
        held,
      );
    }
    if (stage.upserts === 0 && deletes === 0) {
      await persister.flushAndStop();
      progress.complete('No changes');
      return await end('unchanged', figures, null);
    }
    await stage.addDeletes(read.deleteKeys);
    const writes = stage.upserts;
    const result = await writeInTransaction(deps, {
      customerId: customer.id,
      stage,
      progress,
      signal: request.signal,
      runId: run.id,
      insertsOnly: read.updates + read.restores === 0,
      finish: (trx, rowsDeleted, batch) => {
        progress.complete(`Wrote ${writes} and deleted ${rowsDeleted} leads`);
        const counts = { insert: read!.inserts, update: read!.updates, restore: read!.restores };
        const changes = batch && { batch, counts: { ...counts, delete: rowsDeleted, edit: 0 } };
        return end('success', { ...figures, rowsDeleted }, null, trx, changes);
      },
    });
    await persister.flushAndStop();
    return result;
  } catch (caught) {
    // Aborted with a reason that is not a cancellation (the process's last resort): that error.
    const reason: unknown = request.signal?.aborted ? request.signal.reason : undefined;
    const error =
      reason instanceof LeadsyncError && reason.code !== 'SYNC_CANCELLED' ? reason : toLeadsyncError(caught);
    if (error.code === 'CUSTOMER_NOT_FOUND') throw error;
    await persister.flushAndStop();
    const figures =
      read && body
        ? { ...figuresOf(read, body, retries, fingerprint), rowsInserted: 0, rowsUpdated: 0, rowsDeleted: 0 }
        : { ...NO_FIGURES, retryCount: retries, bytes: body?.bytes ?? 0 };
    const cancelled = error.code === 'SYNC_CANCELLED';
    progress.abandon(
      cancelled ? 'Cancelled; nothing was written' : `Failed: ${error.code}: ${error.message}`,
    );
    return await end(cancelled ? 'cancelled' : 'failed', figures, error);
  } finally {
    progress.stop();
    await stage?.dispose();
    await body?.dispose();
  }
}

function figuresOf(
  read: ReadChangesResult,
  body: SpooledBody,
  retries: number,
  fingerprint: string,
): RunFigures {
  return {
    rowsProcessed: read.stats.leads,
    rowsInserted: read.inserts,
    rowsUpdated: read.updates + read.restores,
    rowsDeleted: read.deleteKeys.length,
    rowsUnchanged: read.unchanged,
    duplicateKeys: read.stats.duplicateCount,
    retryCount: retries,
    bytes: body.bytes,
    checksum: read.checksum,
    headerRow: read.mapping?.header.sheetRow ?? null,
    pendingDeletes: null,
    details: {
      restored: read.restores,
      blankRows: read.stats.blankRows,
      identity: read.mapping?.identity ?? null,
      headers: read.mapping?.header.names ?? [],
      duplicates: read.stats.duplicates,
      fingerprint,
    },
  };
}

/** An identical body: the last good run's figures stand, nothing was parsed or written. */
function unchangedFigures(
  last: SyncRun,
  body: SpooledBody,
  retries: number,
  fingerprint: string,
): RunFigures {
  return {
    ...NO_FIGURES,
    rowsProcessed: last.rowsProcessed,
    rowsUnchanged: last.rowsProcessed,
    duplicateKeys: last.duplicateKeys,
    retryCount: retries,
    bytes: body.bytes,
    checksum: last.checksum,
    headerRow: last.headerRow,
    details: { ...last.details, restored: 0, identicalBody: true, fingerprint },
  };
}

function lastHeaders(state: SyncState | undefined): string[] {
  return state?.lastHeaders ?? [];
}
