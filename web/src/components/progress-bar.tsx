import { memo, useEffect, useRef, useState } from 'react';
import type { SyncStatus } from '../../client/index.js';

/** How long a finished run's bar stays on screen at its end (100 % or where it stopped). */
export const LINGER_MS = 4000;

type Progress = SyncStatus['progress'];

/**
 * A fixed-size progress cell: the bar and its text keep their width whatever the numbers, so
 * a table updating many times a second does not shift. While the download's size is unknown
 * (no Content-Length, first sync) the bar is indeterminate and the message carries the count.
 * A run's end stays visible for a moment (100 % finishing, or where a failed run stopped)
 * instead of the bar vanishing between two reports. Shows a dash when idle.
 */
export const ProgressBar = memo(function ProgressBar({ status }: { status: SyncStatus }) {
  const active = status.isRunning || status.status === 'running';
  const last = useRef<Progress | null>(null);
  const [ended, setEnded] = useState<Progress | null>(null);
  useEffect(() => {
    if (active) {
      last.current = status.progress;
      setEnded(null);
      return;
    }
    if (!last.current) return;
    // The status after the run carries its final figures; the last live report its phase.
    const final = status.progress.percent >= last.current.percent ? status.progress : last.current;
    const done = status.status === 'success' || status.status === 'unchanged';
    setEnded(done ? { percent: 100, phase: 'finishing', message: final.message ?? 'Done' } : final);
    last.current = null;
    const timer = setTimeout(() => setEnded(null), LINGER_MS);
    return () => clearTimeout(timer);
  }, [active, status.progress, status.status]);

  const shown = active ? status.progress : ended;
  if (!shown) return <div className="progress progress-idle">—</div>;
  const { percent, phase, message } = shown;
  const indeterminate = active && phase === 'fetching' && percent === 0;
  const label = `${phase ?? 'running'}: ${message ?? ''}`.trim();
  return (
    <div className={indeterminate ? 'progress progress-indeterminate' : 'progress'} title={label}>
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={indeterminate ? undefined : percent}
        aria-valuetext={indeterminate ? (message ?? 'Downloading') : `${percent} %, ${phase ?? 'running'}`}
        aria-label={`Sync progress, ${phase ?? 'running'}`}
      >
        <div
          className="progress-fill"
          style={indeterminate ? undefined : { transform: `scaleX(${percent / 100})` }}
        />
      </div>
      <div className="progress-text">
        <span className="progress-percent">{indeterminate ? '…' : `${percent}%`}</span>{' '}
        <span className="progress-phase">{phase}</span> <span className="progress-message">{message}</span>
      </div>
    </div>
  );
});
