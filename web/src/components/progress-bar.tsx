import { memo } from 'react';
import type { SyncStatus } from '../../client/index.js';

/**
 * A fixed-size progress cell: the bar and its text keep their width whatever the numbers, so
 * a table updating many times a second does not shift. Shows nothing but a dash when idle.
 */
export const ProgressBar = memo(function ProgressBar({ status }: { status: SyncStatus }) {
  const { percent, phase, message } = status.progress;
  const active = status.isRunning || status.status === 'running';
  if (!active) return <div className="progress progress-idle">—</div>;
  const label = `${phase ?? 'running'}: ${message ?? ''}`.trim();
  return (
    <div className="progress" title={label}>
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-label={`Sync progress, ${phase ?? 'running'}`}
      >
        <div className="progress-fill" style={{ transform: `scaleX(${percent / 100})` }} />
      </div>
      <div className="progress-text">
        <span className="progress-percent">{percent}%</span> <span className="progress-phase">{phase}</span>{' '}
        <span className="progress-message">{message}</span>
      </div>
    </div>
  );
});
