import type { Kysely, Updateable } from 'kysely';
import { LeadsyncError } from '../errors.js';
import { newId } from '../ids.js';
import type { Database, LeadSyncRunsTable, RunOutcome, RunTrigger, SyncRunRow } from './database.js';
import { decodeCursor } from './page-cursor.js';
import { parseJson, toIso } from './repository-helpers.js';
import type { RunWarning } from '../sheet/warnings.js';

// Aggregates over this table, for metrics; one import gives the whole runs API.
export { runStats, type RunStats } from './sync-run-stats.repository.js';

/** One sync run: the contract's Run JSON. `outcome` and `finishedAt` are null while it runs. */
export interface SyncRun {
  id: string;
  customerId: string;
  trigger: RunTrigger;
  outcome: RunOutcome | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  rowsProcessed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  rowsUnchanged: number;
  duplicateKeys: number;
  retryCount: number;
  bytes: number;
  checksum: string | null;
  headerRow: number | null;
  error: { code: string; message: string } | null;
  pendingDeletes: number | null;
  details: Record<string, unknown> | null;
  workerId: string | null;
  /** What was wrong with the sheet's data (never a failure); [] when nothing, or before any was read. */
  warnings: RunWarning[];
}

export interface NewSyncRun {
  customerId: string;
  trigger: RunTrigger;
  startedAt: string | Date;
  /** Default null. */
  workerId?: string | null;
}

/** How a run ended. Figures left out keep their value (0 or null from insertRun). */
export type RunResult = {
  outcome: RunOutcome;
  finishedAt: string | Date;
  durationMs: number;
  error?: { code: string; message: string } | null;
  details?: Record<string, unknown> | null;
  warnings?: RunWarning[];
  /** Live sheet leads after the run (success and unchanged), read by the mass-delete guard. */
  liveLeadsAfter?: number | null;
} & Partial<Pick<SyncRun, FigureKey>>;

const FIGURE_KEYS = [
  'rowsProcessed',
  'rowsInserted',
  'rowsUpdated',
  'rowsDeleted',
  'rowsUnchanged',
  'duplicateKeys',
  'retryCount',
  'bytes',
  'checksum',
  'headerRow',
  'pendingDeletes',
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

/** Records a run as started (listed from this moment, outcome null). The id sorts by start time. */
export async function insertRun(db: Kysely<Database>, input: NewSyncRun): Promise<SyncRun> {
  const startedAt = toIso(input.startedAt);
  const row = await db
    .insertInto('lead_sync_runs')
    .values({
      id: newId(Date.parse(startedAt)),
      customerId: input.customerId,
      trigger: input.trigger,
      outcome: null,
      startedAt,
      rowsProcessed: 0,
      rowsInserted: 0,
      rowsUpdated: 0,
      rowsDeleted: 0,
      rowsUnchanged: 0,
      duplicateKeys: 0,
      retryCount: 0,
      bytes: 0,
      workerId: input.workerId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSyncRun(row);
}

/**
 * Writes a run's ending. Only a run still in progress is changed: an outcome is written once,
 * so a late worker cannot overwrite a run that was reaped or already recorded.
 * Returns the finished run, or undefined when there is no such unfinished run.
 */
export async function finishRun(
  db: Kysely<Database>,
  runId: string,
  result: RunResult,
): Promise<SyncRun | undefined> {
  const set: Updateable<LeadSyncRunsTable> = {
    outcome: result.outcome,
    finishedAt: toIso(result.finishedAt),
    durationMs: Math.round(result.durationMs),
  };
  for (const key of FIGURE_KEYS) if (result[key] !== undefined) Object.assign(set, { [key]: result[key] });
  if (result.error !== undefined) {
    set.errorCode = result.error?.code ?? null;
    set.errorMessage = result.error?.message ?? null;
  }
  if (result.details !== undefined) set.details = result.details && JSON.stringify(result.details);
  if (result.liveLeadsAfter !== undefined) set.liveLeadsAfter = result.liveLeadsAfter;
  if (result.warnings !== undefined) set.warnings = JSON.stringify(result.warnings);
  const row = await db
    .updateTable('lead_sync_runs')
    .set(set)
    .where('id', '=', runId)
    .where('outcome', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return row && toSyncRun(row);
}

export async function findRunById(db: Kysely<Database>, id: string): Promise<SyncRun | undefined> {
  const row = await db.selectFrom('lead_sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSyncRun(row);
}

/** The customer's latest run that ended success or unchanged: what an identical sheet still is. */
export async function findLastGoodRun(
  db: Kysely<Database>,
  customerId: string,
): Promise<SyncRun | undefined> {
  const row = await db
    .selectFrom('lead_sync_runs')
    .selectAll()
    .where('customerId', '=', customerId)
    .where('outcome', 'in', ['success', 'unchanged'])
    .orderBy('startedAt', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toSyncRun(row);
}

/** The customer's newest finished run (any outcome), optionally other than `exceptId`. */
export async function findLatestFinishedRun(
  db: Kysely<Database>,
  customerId: string,
  exceptId?: string,
): Promise<SyncRun | undefined> {
  let query = db
    .selectFrom('lead_sync_runs')
    .selectAll()
    .where('customerId', '=', customerId)
    .where('outcome', 'is not', null);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  const row = await query.orderBy('startedAt', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row && toSyncRun(row);
}

/**
 * Runs newest first (startedAt, then id, descending), of one customer or all. `before` is the
 * id of the last run of the previous page; an id that is not a run is VALIDATION_FAILED.
 * Ask for one more than the page size to learn whether a next page exists.
 */
export async function listRuns(
  db: Kysely<Database>,
  page: { customerId?: string | undefined; limit: number; before?: string | undefined },
): Promise<SyncRun[]> {
  let query = db
    .selectFrom('lead_sync_runs')
    .selectAll()
    .orderBy('startedAt', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit);
  if (page.customerId !== undefined) query = query.where('customerId', '=', page.customerId);
  const before = decodeCursor(page.before);
  if (before !== undefined) {
    const cursor = await db
      .selectFrom('lead_sync_runs')
      .select(['startedAt', 'id'])
      .where('id', '=', before)
      .executeTakeFirst();
    if (!cursor) throw new LeadsyncError('VALIDATION_FAILED', `Unknown cursor: ${page.before}`);
    // A row comparison, so each dialect can walk the (…, startedAt desc, id desc) index.
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple('startedAt', 'id'), '<', tuple(cursor.startedAt, cursor.id)),
    );
  }
  return (await query.execute()).map(toSyncRun);
}

function toSyncRun(row: SyncRunRow): SyncRun {
  // Spelled out, in the contract's order, so the JSON reads the same wherever a run is shown.
  return {
    id: row.id,
    customerId: row.customerId,
    trigger: row.trigger,
    outcome: row.outcome,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: row.durationMs,
    rowsProcessed: row.rowsProcessed,
    rowsInserted: row.rowsInserted,
    rowsUpdated: row.rowsUpdated,
    rowsDeleted: row.rowsDeleted,
    rowsUnchanged: row.rowsUnchanged,
    duplicateKeys: row.duplicateKeys,
    retryCount: row.retryCount,
    bytes: row.bytes,
    checksum: row.checksum,
    headerRow: row.headerRow,
    error: row.errorCode === null ? null : { code: row.errorCode, message: row.errorMessage ?? '' },
    pendingDeletes: row.pendingDeletes,
    details: parseJson<Record<string, unknown>>(row.details),
    workerId: row.workerId,
    warnings: parseJson<RunWarning[]>(row.warnings) ?? [],
  };
}
