import type { StatusRow } from '../db/status-rows.repository.js';
import type { SyncStatusView } from './sync.schemas.js';
import { parseJson } from '../db/repository-helpers.js';
import type { RunWarning } from '../sheet/warnings.js';
import type { SyncProgress } from '../events/event-types.js';

/** A lease is live until its expiry; only a live lease means a sync is running. */
export function hasLiveLease(row: Pick<StatusRow, 'leaseOwner' | 'leaseExpiresAt'>, now: Date): boolean {
  return (
    row.leaseOwner !== null && row.leaseExpiresAt !== null && Date.parse(row.leaseExpiresAt) > now.getTime()
  );
}

/**
 * The status word, most pressing first: paused, running (live lease), queued (a run was asked
 * for or is overdue), then the last outcome in the seed's words: a `failed` or `cancelled` last
 * run reads as `error` (lastErrorCode says which, e.g. SYNC_CANCELLED), and no outcome at all as
 * `never_synced`.
 */
export function statusOf(row: StatusRow, now: Date, reporting = false): SyncStatusView['status'] {
  if (row.isPaused === 1) return 'paused';
  if (reporting || hasLiveLease(row, now)) return 'running';
  if (row.pendingTrigger !== null || (row.nextRunAt !== null && Date.parse(row.nextRunAt) <= now.getTime())) {
    return 'queued';
  }
  switch (row.lastOutcome) {
    case null:
      return 'never_synced';
    case 'failed':
    case 'cancelled':
      return 'error';
    default:
      return row.lastOutcome;
  }
}

/**
 * The status JSON of one customer (the seed's fields, issue 12, and leadsync's). `live` is the running sync's latest report
 * (LiveProgress, fresh within seconds): it means running even when the stored lease looks
 * expired (on SQLite a write transaction renews the lease where readers see it only at commit),
 * and its progress wins over the stored one unless it is behind it.
 */
export function toStatusView(row: StatusRow, now: Date, live?: SyncProgress): SyncStatusView {
  const reporting = live !== undefined;
  const running = reporting || hasLiveLease(row, now);
  const progress =
    live && live.percent >= row.progressPercent
      ? live
      : { percent: row.progressPercent, phase: row.progressPhase, message: row.progressMessage };
  return {
    customerId: row.customerId,
    customer: { id: row.customerId, name: row.customerName, leadsReportingUrl: row.sheetUrl },
    status: statusOf(row, now, reporting),
    isPaused: row.isPaused === 1,
    pausedReason: row.pausedReason,
    isRunning: running,
    lastSyncAt: row.lastSyncAt,
    lastSuccessAt: row.lastSuccessAt,
    nextRunAt: row.nextRunAt,
    // A code always comes with a message; the seed's clients show the message as it is.
    lastError: row.lastErrorCode === null ? null : (row.lastErrorMessage ?? row.lastErrorCode),
    lastErrorCode: row.lastErrorCode,
    progress,
    metrics: {
      rowCount: row.rowCount ?? 0,
      syncDuration: row.syncDuration,
      rowsProcessed: row.rowsProcessed,
      rowsInserted: row.rowsInserted,
      rowsUpdated: row.rowsUpdated,
      rowsDeleted: row.rowsDeleted,
      errorCount: row.errorCount,
      retryCount: row.retryCount,
    },
    warnings: parseJson<RunWarning[]>(row.lastWarnings) ?? [],
  };
}
