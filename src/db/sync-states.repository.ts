import type { Insertable, Kysely, Updateable } from 'kysely';
import type {
  Database,
  LeadSyncStatesTable,
  RunOutcome,
  RunTrigger,
  SyncPhase,
  SyncStateRow,
} from './database.js';
import { parseJson, toFlag, toIsoOrNull } from './repository-helpers.js';
import type { RunWarning } from '../sheet/warnings.js';

/** A customer's sync state: the table's columns with flags as booleans and headers parsed. */
// The lease functions work on this table too; one import gives the whole state API.
export { claimLease, releaseLease, renewLease } from './sync-leases.repository.js';

export interface SyncState {
  customerId: string;
  isPaused: boolean;
  pausedReason: string | null;
  /** For the seed's readers; whether a sync really runs is a live lease (leaseExpiresAt > now). */
  isRunning: boolean;
  syncDuration: number;
  rowsProcessed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  errorCount: number;
  retryCount: number;
  progressPercent: number;
  progressPhase: SyncPhase | null;
  progressMessage: string | null;
  consecutiveFailures: number;
  lastSyncAt: string | null;
  lastSuccessAt: string | null;
  lastOutcome: RunOutcome | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  lastChecksum: string | null;
  lastBodyHash: string | null;
  lastBodyBytes: number | null;
  lastHeaders: string[] | null;
  rowCount: number | null;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  nextRunAt: string | null;
  pendingTrigger: RunTrigger | null;
  /** JSON of sync/source-version.ts's SourceVersion, as the last successful run left it. */
  lastSourceVersion: string | null;
  revisionSkips: number;
  notModifiedSkips: number;
  googleRequestsSaved: number;
  bytesSaved: number;
  updatedAt: string;
  /** The last finished run's warnings. */
  lastWarnings: RunWarning[];
  /** The held run the last approval approved (its approval run may delete only its set). */
  approvedRunId: string | null;
}

type TimestampKey = 'lastSyncAt' | 'lastSuccessAt' | 'nextRunAt';
/** Only ever added to, by countSkip. */
type CounterKey = 'revisionSkips' | 'notModifiedSkips' | 'googleRequestsSaved' | 'bytesSaved';

/** What updateSyncState may change: everything but the key, updatedAt and the lease (see sync-leases.repository.ts). */
export type SyncStatePatch = Partial<
  Omit<SyncState, 'customerId' | 'updatedAt' | 'leaseOwner' | 'leaseExpiresAt' | TimestampKey | CounterKey> &
    Record<TimestampKey, string | Date | null>
>;

/** The row a new customer starts with: idle, never synced, not scheduled. */
export function initialSyncState(customerId: string, now: Date): Insertable<LeadSyncStatesTable> {
  return {
    customerId,
    isPaused: 0,
    isRunning: 0,
    syncDuration: 0,
    rowsProcessed: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsDeleted: 0,
    errorCount: 0,
    retryCount: 0,
    progressPercent: 0,
    consecutiveFailures: 0,
    updatedAt: now.toISOString(),
  };
}

export async function getSyncState(db: Kysely<Database>, customerId: string): Promise<SyncState | undefined> {
  const row = await db
    .selectFrom('lead_sync_states')
    .selectAll()
    .where('customerId', '=', customerId)
    .executeTakeFirst();
  return row && toSyncState(row);
}

/** Writes the given fields and updatedAt; false when the customer has no state (deleted). */
export async function updateSyncState(
  db: Kysely<Database>,
  customerId: string,
  patch: SyncStatePatch,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('lead_sync_states')
    .set({ ...toColumns(patch), updatedAt: now.toISOString() })
    .where('customerId', '=', customerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Counts a run that ended `unchanged` without a download, and what it saved (one UPDATE, no read). */
export async function countSkip(
  db: Kysely<Database>,
  customerId: string,
  skip: { reason: 'revision' | 'not_modified'; requestsSaved: number; bytesSaved: number },
): Promise<void> {
  await db
    .updateTable('lead_sync_states')
    .set((eb) => ({
      ...(skip.reason === 'revision'
        ? { revisionSkips: eb('revisionSkips', '+', 1) }
        : { notModifiedSkips: eb('notModifiedSkips', '+', 1) }),
      googleRequestsSaved: eb('googleRequestsSaved', '+', skip.requestsSaved),
      bytesSaved: eb('bytesSaved', '+', skip.bytesSaved),
    }))
    .where('customerId', '=', customerId)
    .execute();
}

/** The running sync's progress, for other processes to show. Percent is clamped to an integer 0-100. */
export async function setProgress(
  db: Kysely<Database>,
  customerId: string,
  progress: { percent: number; phase: SyncPhase; message: string | null },
  now: Date,
): Promise<void> {
  const percent = Math.min(100, Math.max(0, Math.round(progress.percent) || 0));
  await db
    .updateTable('lead_sync_states')
    .set({
      progressPercent: percent,
      progressPhase: progress.phase,
      progressMessage: progress.message,
      updatedAt: now.toISOString(),
    })
    .where('customerId', '=', customerId)
    // Only while the run is open: a write that waited for the run's own write transaction (SQLite's
    // lock, PostgreSQL's row lock) must not overwrite the final state the run just recorded.
    .where('isRunning', '=', 1)
    .execute();
}

// Copied as given; listed so an object carrying extra keys (a whole SyncState, say) cannot
// write the key, the lease or updatedAt.
const PLAIN_KEYS = [
  'pausedReason',
  'syncDuration',
  'rowsProcessed',
  'rowsInserted',
  'rowsUpdated',
  'rowsDeleted',
  'errorCount',
  'retryCount',
  'progressPercent',
  'progressPhase',
  'progressMessage',
  'consecutiveFailures',
  'lastOutcome',
  'lastErrorCode',
  'lastErrorMessage',
  'lastChecksum',
  'lastBodyHash',
  'lastBodyBytes',
  'rowCount',
  'pendingTrigger',
  'lastSourceVersion',
  'approvedRunId',
] as const satisfies readonly (keyof SyncStatePatch)[];

function toColumns(patch: SyncStatePatch): Updateable<LeadSyncStatesTable> {
  const set: Updateable<LeadSyncStatesTable> = {};
  for (const key of PLAIN_KEYS) if (patch[key] !== undefined) Object.assign(set, { [key]: patch[key] });
  if (patch.isPaused !== undefined) set.isPaused = toFlag(patch.isPaused);
  if (patch.isRunning !== undefined) set.isRunning = toFlag(patch.isRunning);
  if (patch.lastHeaders !== undefined)
    set.lastHeaders = patch.lastHeaders && JSON.stringify(patch.lastHeaders);
  if (patch.lastWarnings !== undefined) set.lastWarnings = JSON.stringify(patch.lastWarnings);
  for (const key of ['lastSyncAt', 'lastSuccessAt', 'nextRunAt'] as const) {
    const value = patch[key];
    if (value !== undefined) set[key] = toIsoOrNull(value);
  }
  return set;
}

function toSyncState(row: SyncStateRow): SyncState {
  return {
    ...row,
    isPaused: row.isPaused === 1,
    isRunning: row.isRunning === 1,
    progressPhase: row.progressPhase as SyncPhase | null,
    lastHeaders: parseJson<string[]>(row.lastHeaders),
    lastWarnings: parseJson<RunWarning[]>(row.lastWarnings) ?? [],
  };
}
