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

/** How many customers each filter shows: the overview's counts at the top. */
export function countByFilter(statuses: SyncStatus[]): Record<Filter, number> {
  const counts = { all: 0, failing: 0, paused: 0, running: 0, needs_review: 0 };
  for (const s of statuses) for (const { value } of FILTERS) if (matches[value](s)) counts[value] += 1;
  return counts;
}

export type SortKey =
  'name' | 'status' | 'progress' | 'lastSync' | 'nextRun' | 'rows' | 'lastError' | 'paused';
export interface Sort {
  key: SortKey;
  descending: boolean;
}

export interface Row {
  id: string;
  name: string;
  status: SyncStatus;
}

/** Most pressing first when sorting by status. */
const STATUS_ORDER: SyncStatus['status'][] = [
  'error',
  'needs_review',
  'running',
  'queued',
  'paused',
  'never_synced',
  'success',
  'unchanged',
];

/** Missing values (never synced, no error) sort after the others whichever the direction. */
const byText = (a: string | null, b: string | null, descending: boolean) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : (descending ? -1 : 1) * a.localeCompare(b);
const byNumber = (a: number, b: number, descending: boolean) => (descending ? b - a : a - b);

const COMPARE: Record<SortKey, (a: Row, b: Row, descending: boolean) => number> = {
  name: (a, b, d) => byText(a.name, b.name, d),
  status: (a, b, d) =>
    byNumber(STATUS_ORDER.indexOf(a.status.status), STATUS_ORDER.indexOf(b.status.status), d),
  progress: (a, b, d) => byNumber(a.status.progress.percent, b.status.progress.percent, d),
  lastSync: (a, b, d) => byText(a.status.lastSyncAt, b.status.lastSyncAt, d),
  nextRun: (a, b, d) => byText(a.status.nextRunAt, b.status.nextRunAt, d),
  rows: (a, b, d) => byNumber(a.status.metrics.rowsProcessed, b.status.metrics.rowsProcessed, d),
  lastError: (a, b, d) => byText(a.status.lastErrorCode, b.status.lastErrorCode, d),
  paused: (a, b, d) => byNumber(Number(a.status.isPaused), Number(b.status.isPaused), d),
};

/**
 * The rows to show: filter by state, search in name and id (case-insensitive), sorted by the
 * chosen column (ties by name).
 */
export function filterRows(
  statuses: SyncStatus[],
  customers: Map<string, Customer> | undefined,
  filter: Filter,
  search: string,
  sort: Sort = { key: 'name', descending: false },
): Row[] {
  const q = search.trim().toLowerCase();
  const rows: Row[] = [];
  for (const s of statuses) {
    if (!matches[filter](s)) continue;
    const name = customers?.get(s.customerId)?.name ?? s.customer.name;
    if (q && !name.toLowerCase().includes(q) && !s.customerId.toLowerCase().includes(q)) continue;
    rows.push({ id: s.customerId, name, status: s });
  }
  const compare = COMPARE[sort.key];
  return rows.sort((a, b) => compare(a, b, sort.descending) || a.name.localeCompare(b.name));
}
