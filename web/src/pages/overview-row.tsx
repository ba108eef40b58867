import { memo } from 'react';
import { ProgressBar } from '../components/progress-bar.js';
import { StatusBadge } from '../components/status-badge.js';
import { SyncControls } from '../components/sync-controls.js';
import { count, relativeTime } from '../format.js';
import { useStatus } from '../live-status.js';
import { useNow } from '../use-now.js';
import { href } from '../router.js';

/**
 * One customer's row. Memoised on (id, name) and subscribed to that customer alone, so a
 * progress event re-renders this row and nothing else.
 */
export const OverviewRow = memo(function OverviewRow({ id, name }: { id: string; name: string }) {
  const status = useStatus(id);
  // Re-render on the shared tick so relative times keep counting (the text reads the clock itself).
  useNow();
  if (!status) return null;
  return (
    <tr data-customer-id={id}>
      <th scope="row">
        <a href={href.customer(id)}>{name}</a>
      </th>
      <td>
        <StatusBadge status={status.status} />
      </td>
      <td className="cell-progress">
        <ProgressBar status={status} />
      </td>
      <td title={status.lastSyncAt ?? undefined}>{relativeTime(status.lastSyncAt)}</td>
      <td title={status.nextRunAt ?? undefined}>{status.isPaused ? '—' : relativeTime(status.nextRunAt)}</td>
      <td className="num">{count(status.metrics.rowsProcessed)}</td>
      <td className="cell-error">
        {status.lastErrorCode ? (
          <>
            <code>{status.lastErrorCode}</code> {status.lastError}
          </>
        ) : (
          '—'
        )}
      </td>
      <td>{status.isPaused ? (status.pausedReason ?? 'Paused') : 'No'}</td>
      <td>
        <SyncControls status={status} name={name} />
      </td>
    </tr>
  );
});
