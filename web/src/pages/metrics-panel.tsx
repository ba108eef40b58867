import type { SyncMetrics, SyncStatus } from '../../client/index.js';
import { count, duration, percent } from '../format.js';

/** The seed's figures: the last run's (from the status) and the run history's rates. */
export function MetricsPanel({ status, metrics }: { status: SyncStatus; metrics: SyncMetrics | undefined }) {
  const m = status.metrics;
  const items: [string, string][] = [
    ['Last duration', duration(m.syncDuration)],
    ['Rows processed', count(m.rowsProcessed)],
    ['Inserted', count(m.rowsInserted)],
    ['Updated', count(m.rowsUpdated)],
    ['Deleted', count(m.rowsDeleted)],
    ['Errors', count(m.errorCount)],
    ['Retries', count(m.retryCount)],
    ['Success rate', metrics ? percent(metrics.summary.successRate) : '…'],
    ['Error rate', metrics ? percent(metrics.metrics.errorRate) : '…'],
    ['Runs', metrics ? count(metrics.summary.totalSyncs) : '…'],
    ['Average duration', metrics ? duration(metrics.avgDurationMs) : '…'],
    ['Downloads skipped', metrics ? count(metrics.skippedByRevision + metrics.skippedByNotModified) : '…'],
  ];
  return (
    <dl className="metrics">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
