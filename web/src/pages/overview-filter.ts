import type { Customer, SyncStatus } from '../../client/index.js';

export type Filter = 'all' | 'failing' | 'paused' | 'running' | 'needs_review';

export const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'failing', label: 'Failing' },
  { value: 'paused', label: 'Paused' },
  { value: 'running', label: 'Running' },
  { value: 'needs_review', label: 'Needs review' },
];

const matches: Record<Filter, (s: SyncStatus) => boolean> = {
  all: () => true,
  failing: (s) =>
    s.status === 'error' || (s.lastErrorCode !== null && s.status !== 'needs_review' && !s.isRunning),
  paused: (s) => s.isPaused,
  running: (s) => s.isRunning || s.status === 'running' || s.status === 'queued',
  needs_review: (s) => s.status === 'needs_review',
};

export interface Row {
  id: string;
  name: string;
}

/** The rows to show, sorted by name: filter by state, search in name and id (case-insensitive). */
export function filterRows(
  statuses: SyncStatus[],
  customers: Map<string, Customer> | undefined,
  filter: Filter,
  search: string,
): Row[] {
  const q = search.trim().toLowerCase();
  const rows: Row[] = [];
  for (const s of statuses) {
    if (!matches[filter](s)) continue;
    const name = customers?.get(s.customerId)?.name ?? s.customer.name;
    if (q && !name.toLowerCase().includes(q) && !s.customerId.toLowerCase().includes(q)) continue;
    rows.push({ id: s.customerId, name });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}
