import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database, RunTrigger } from '../db/database.js';
import { findCustomerById, type Customer } from '../db/customers.repository.js';
import { massDeleteBaseline } from '../db/delete-guard.repository.js';
import { describeSheetLeads, loadLeadIndex } from '../db/leads-sync.repository.js';
import type { SyncRun } from '../db/sync-runs.repository.js';
import { startRun } from '../notify/run-events.js';
import { getSyncState, renewLease, updateSyncState } from '../db/sync-states.repository.js';
import { LeadsyncError, toLeadsyncError } from '../errors.js';
import { retryDelayMs, shouldRetry } from '../sources/backoff.js';
import { sourceForCustomer } from './customer-source.js';
import type { SheetSource } from '../sources/types.js';
import { applyChanges } from './apply-changes.js';
import { isMassDelete, massDeleteMessage, type MassDeleteInput } from './diff.js';
import { ProgressPersister } from './progress-persister.js';
import { ProgressTracker, type ProgressListener } from './progress.js';
import { readChanges, type ReadChangesResult } from './read-changes.js';
import { NO_FIGURES, recordEnding, type RunFigures } from './record-outcome.js';
import { sleep as realSleep } from './sleep.js';

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
 * One sync of one customer: download and compare outside any transaction, then write every
 * change, the run and the state in a single transaction. Always ends with the run recorded
 * (success, unchanged, needs_review, failed or cancelled) and returns it; throws only when
 * the customer does not exist or the database itself fails.
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

  let read: ReadChangesResult | null = null;
  let retries = 0;
  const end = async (
    outcome: Parameters<typeof recordEnding>[1]['outcome'],
    figures: RunFigures,
    error: LeadsyncError | null,
    trx: Kysely<Database> = db,
  ) =>
    recordEnding(trx, {
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
              bodyHash: read!.bodyHash,
              bodyBytes: read!.bytes,
              headers: read!.mapping?.header.names ?? [],
              rowCount: read!.stats.leads,
            },
          }
        : {}),
    });

  try {
    const source = (deps.sourceFor ?? ((c) => sourceForCustomer(c, config)))(customer);
    for (;;) {
      try {
        read = await readChanges({
          source,
          options: {
            keyColumn: customer.keyColumn,
            dateOrder: customer.dateOrder,
            fieldOverrides: customer.fieldOverrides,
          },
          index: await loadLeadIndex(db, customer.id),
          progress,
          previousBytes: state?.lastBodyBytes ?? null,
          maxBytes: config.fetch.maxBytes,
          signal: request.signal,
        });
        break;
      } catch (caught) {
        const error = toLeadsyncError(caught);
        if (request.signal?.aborted || !shouldRetry(error, retries, config.fetch.retries)) throw error;
        retries++;
        const delay = retryDelayMs(
          retries,
          error,
          { baseMs: config.fetch.retryBaseMs, maxMs: config.fetch.retryMaxMs },
          deps.random ?? Math.random,
        );
        progress.update(
          'fetching',
          0,
          `${error.code}: retry ${retries} of ${config.fetch.retries} in ${Math.round(delay / 100) / 10} s`,
        );
        await (deps.sleep ?? realSleep)(delay, request.signal);
      }
    }
    const figures = figuresOf(read, retries);
    const windowDays = config.deleteGuardWindowDays;
    const guard = await massDeleteBaseline(db, customer.id, clock(), windowDays);
    const { liveLeads, baseline } = guard;
    const deletes = read.deleteKeys.length;
    await persister.flushAndStop();

    const massDelete: MassDeleteInput = {
      deletes,
      liveLeads,
      baseline,
      sheetLeads: read.stats.leads,
      thresholdPercent: customer.deleteThresholdPercent,
    };
    if (!request.allowDeletes && isMassDelete(massDelete)) {
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
    if (read.changes.size === 0 && deletes === 0) {
      progress.complete('No changes');
      return await end('unchanged', figures, null);
    }
    const changes = read.changes;
    return await db.transaction().execute(async (trx) => {
      const rowsDeleted = await applyChanges(trx, {
        customerId: customer.id,
        changes,
        deleteKeys: read!.deleteKeys,
        batchSize: config.batchSize,
        now: clock().toISOString(),
        progress,
        signal: request.signal,
      });
      // The UPDATE also locks the state row until commit, so no claim can slip in between.
      if (deps.lease && !(await renewLease(trx, customer.id, deps.lease.owner, deps.lease.ms, clock()))) {
        throw new LeadsyncError(
          'WORKER_LOST',
          'The worker lost its lease on this customer before committing; nothing was written',
        );
      }
      progress.complete(`Wrote ${changes.size} and deleted ${rowsDeleted} leads`);
      return end('success', { ...figures, rowsDeleted }, null, trx);
    });
  } catch (caught) {
    const error = toLeadsyncError(caught);
    if (error.code === 'CUSTOMER_NOT_FOUND') throw error;
    await persister.flushAndStop();
    const figures = read
      ? { ...figuresOf(read, retries), rowsInserted: 0, rowsUpdated: 0, rowsDeleted: 0 }
      : { ...NO_FIGURES, retryCount: retries };
    const cancelled = error.code === 'SYNC_CANCELLED';
    progress.abandon(
      cancelled ? 'Cancelled; nothing was written' : `Failed: ${error.code}: ${error.message}`,
    );
    return await end(cancelled ? 'cancelled' : 'failed', figures, error);
  } finally {
    progress.stop();
    await read?.changes.dispose();
  }
}

function figuresOf(read: ReadChangesResult, retries: number): RunFigures {
  return {
    rowsProcessed: read.stats.leads,
    rowsInserted: read.inserts,
    rowsUpdated: read.updates + read.restores,
    rowsDeleted: read.deleteKeys.length,
    rowsUnchanged: read.unchanged,
    duplicateKeys: read.stats.duplicateCount,
    retryCount: retries,
    bytes: read.bytes,
    checksum: read.checksum,
    headerRow: read.mapping?.header.sheetRow ?? null,
    pendingDeletes: null,
    details: {
      restored: read.restores,
      blankRows: read.stats.blankRows,
      identity: read.mapping?.identity ?? null,
      headers: read.mapping?.header.names ?? [],
      duplicates: read.stats.duplicates,
    },
  };
}
