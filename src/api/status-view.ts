import type { StatusRow } from '../db/sync-status.repository.js';
import type { SyncStatusView } from './schemas.js';

/** A lease is live until its expiry; only a live lease means a sync is running. */
export function hasLiveLease(row: Pick<StatusRow, 'leaseOwner' | 'leaseExpiresAt'>, now: Date): boolean {
  return (
    row.leaseOwner !== null && row.leaseExpiresAt !== null && Date.parse(row.leaseExpiresAt) > now.getTime()
  );
}

/**
 * The status word, most pressing first: paused, running (live lease), queued (a run was asked
 * for or is overdue), then the last outcome. A `cancelled` last run reads as `failed` (the list
 * has no word for it; lastError says SYNC_CANCELLED), and no outcome at all as `never_synced`.
 */
export function statusOf(row: StatusRow, now: Date): SyncStatusView['status'] {
  if (row.isPaused === 1) return 'paused';
  if (hasLiveLease(row, now)) return 'running';
  if (row.pendingTrigger !== null || (row.nextRunAt !== null && Date.parse(row.nextRunAt) <= now.getTime())) {
    return 'queued';
  }
  switch (row.lastOutcome) {
    case null:
      return 'never_synced';
    case 'cancelled':
      return 'failed';
    default:
      return row.lastOutcome;
  }
}

/** The status JSON for one customer. */
export function toStatusView(row: StatusRow, now: Date): SyncStatusView {
  return {
    customerId: row.customerId,
    status: statusOf(row, now),
    isPaused: row.isPaused === 1,
    pausedReason: row.pausedReason,
    isRunning: hasLiveLease(row, now),
    lastSyncAt: row.lastSyncAt,
    lastSuccessAt: row.lastSuccessAt,
    nextRunAt: row.nextRunAt,
    lastError:
      row.lastErrorCode === null ? null : { code: row.lastErrorCode, message: row.lastErrorMessage ?? '' },
    progress: { percent: row.progressPercent, phase: row.progressPhase, message: row.progressMessage },
    metrics: {
      syncDuration: row.syncDuration,
      rowsProcessed: row.rowsProcessed,
      rowsInserted: row.rowsInserted,
      rowsUpdated: row.rowsUpdated,
      rowsDeleted: row.rowsDeleted,
      errorCount: row.errorCount,
      retryCount: row.retryCount,
    },
  };
}
