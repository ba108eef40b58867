import type { Kysely } from 'kysely';
import type { Database, RunTrigger, SyncStateRow } from './database.js';
import { decodeCursor } from './page-cursor.js';
import { serviceDb } from './service-database.js';
import { getSyncState, updateSyncState, type SyncState } from './sync-states.repository.js';

/**
 * What the API changes and lists on lead_sync_states: run requests, pause and resume, pages of
 * states. Each change is one conditional UPDATE, so concurrent requests cannot double-queue.
 */

/**
 * Queues a run unless one is already queued (then the request is coalesced into it) or the
 * customer is paused. An `approval` replaces whatever was queued: it is a superset of any other
 * run (it may also delete). Returns the state after the request, undefined for no customer.
 */
export async function requestRun(
  db: Kysely<Database>,
  customerId: string,
  trigger: RunTrigger,
  now: Date,
  /** For an approval: the held run approved, whose delete set the approval run may apply. */
  approvedRunId?: string,
): Promise<SyncState | undefined> {
  let query = serviceDb(db)
    .updateTable('lead_sync_states')
    .set((eb) => ({
      pendingTrigger: trigger,
      // Its place in the claim's queue: an approval replacing a queued run keeps that run's place.
      askedAt: eb.fn.coalesce('askedAt', eb.val(now.toISOString())),
      updatedAt: now.toISOString(),
      ...(approvedRunId !== undefined && { approvedRunId }),
    }))
    .where('customerId', '=', customerId)
    .where('isPaused', '=', 0);
  if (trigger !== 'approval') query = query.where('pendingTrigger', 'is', null);
  await query.execute();
  return getSyncState(db, customerId);
}

export async function pauseSync(
  db: Kysely<Database>,
  customerId: string,
  reason: string,
  now: Date,
): Promise<boolean> {
  return updateSyncState(db, customerId, { isPaused: true, pausedReason: reason }, now);
}

/** Resumes with a fresh failure count (an auto-paused customer gets its full allowance again). */
export async function resumeSync(
  db: Kysely<Database>,
  customerId: string,
  nextRunAt: Date,
  now: Date,
): Promise<boolean> {
  return updateSyncState(
    db,
    customerId,
    { isPaused: false, pausedReason: null, consecutiveFailures: 0, nextRunAt },
    now,
  );
}

/** The id of the customer's run in progress (the newest without an outcome), if any. */
export async function findRunningRunId(db: Kysely<Database>, customerId: string): Promise<string | null> {
  const row = await db
    .selectFrom('lead_sync_runs')
    .select('id')
    .where('customerId', '=', customerId)
    .where('outcome', 'is', null)
    .orderBy('startedAt', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The last run's figures, as the state keeps them (the status's and the metrics' details). */
const LAST_RUN_FIGURES = [
  'syncDuration',
  'rowsProcessed',
  'rowsInserted',
  'rowsUpdated',
  'rowsDeleted',
  'errorCount',
  'retryCount',
] as const satisfies readonly (keyof SyncStateRow)[];

/** The columns a status answer is made of (the state's, then its customer's). */
const STATUS_COLUMNS = [
  'customerId',
  'isPaused',
  'pausedReason',
  'rowCount',
  ...LAST_RUN_FIGURES,
  'progressPercent',
  'progressPhase',
  'progressMessage',
  'lastSyncAt',
  'lastSuccessAt',
  'lastOutcome',
  'lastErrorCode',
  'lastErrorMessage',
  'leaseOwner',
  'leaseExpiresAt',
  'nextRunAt',
  'pendingTrigger',
  'lastWarnings',
] as const satisfies readonly (keyof SyncStateRow)[];

export type StatusRow = Pick<SyncStateRow, (typeof STATUS_COLUMNS)[number]> & {
  customerName: string;
  sheetUrl: string;
};

/** States joined to their customers: the status answer names the customer and its sheet. */
const statusQuery = (db: Kysely<Database>) =>
  db
    .selectFrom('lead_sync_states')
    .innerJoin('customers', 'customers.id', 'lead_sync_states.customerId')
    .select(STATUS_COLUMNS.map((c) => `lead_sync_states.${c}` as const))
    .select(['customers.name as customerName', 'customers.sheetUrl']);

export async function findStatusRow(
  db: Kysely<Database>,
  customerId: string,
): Promise<StatusRow | undefined> {
  return statusQuery(db).where('lead_sync_states.customerId', '=', customerId).executeTakeFirst();
}

/**
 * Status rows in customer-id order, `limit` after `after` (one query, so a page of 1,000 costs
 * one round trip), and how many there are. `customerId` narrows to one customer (scoped tokens).
 */
export async function listStatusRows(
  db: Kysely<Database>,
  page: { limit: number; after?: string; customerId?: string },
): Promise<{ rows: StatusRow[]; total: number }> {
  let counted = db.selectFrom('lead_sync_states');
  if (page.customerId !== undefined) counted = counted.where('customerId', '=', page.customerId);
  const { n } = await counted.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  let query = statusQuery(db).orderBy('lead_sync_states.customerId').limit(page.limit);
  if (page.customerId !== undefined) query = query.where('lead_sync_states.customerId', '=', page.customerId);
  const after = decodeCursor(page.after);
  if (after !== undefined) query = query.where('lead_sync_states.customerId', '>', after);
  return { rows: await query.execute(), total: Number(n) };
}

/** The last run's figures of one customer or of all, by customer id (the metrics' `details`). */
export async function listLastRunFigures(db: Kysely<Database>, customerId?: string) {
  let query = db
    .selectFrom('lead_sync_states')
    .select(['customerId', ...LAST_RUN_FIGURES, 'lastSuccessAt', 'lastSyncAt'])
    .orderBy('customerId');
  if (customerId !== undefined) query = query.where('customerId', '=', customerId);
  return query.execute();
}

/** When the customer was last synced (null: never); undefined when there is no such customer. */
export async function findLastSyncAt(
  db: Kysely<Database>,
  customerId: string,
): Promise<{ lastSyncAt: string | null } | undefined> {
  return db
    .selectFrom('lead_sync_states')
    .select('lastSyncAt')
    .where('customerId', '=', customerId)
    .executeTakeFirst();
}
