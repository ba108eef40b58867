import type { Kysely } from 'kysely';
import type { Database, SyncStateRow } from './database.js';
import { decodeCursor } from './page-cursor.js';

/**
 * What a status answer reads from lead_sync_states (joined to its customer): one customer's row,
 * pages of rows, the last run's figures. Reads only; the state itself is sync-states.repository.ts.
 */

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
  page: { limit: number; after?: string | undefined; customerId?: string | undefined },
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
