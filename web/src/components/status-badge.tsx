import { memo } from 'react';
import type { SyncStatusWord } from '../../client/index.js';

const LABELS: Record<SyncStatusWord, string> = {
  never_synced: 'Never synced',
  queued: 'Queued',
  running: 'Running',
  success: 'Synced',
  unchanged: 'Unchanged',
  error: 'Failed',
  needs_review: 'Needs review',
  paused: 'Paused',
};

/** The status word as a coloured pill (colour is never the only cue: the word is always shown). */
export const StatusBadge = memo(function StatusBadge({ status }: { status: SyncStatusWord }) {
  return <span className={`status status-${status}`}>{LABELS[status]}</span>;
});
