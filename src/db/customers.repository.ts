import type { Kysely } from 'kysely';
import { LeadsyncError } from '../errors.js';
import { newId } from '../ids.js';
import type { DateOrder, LeadField } from '../sheet/types.js';
import type { SourceKind } from '../sources/types.js';
import type { CustomerRow, CustomerUpdate, Database } from './database.js';
import { isUniqueViolation } from './dialect.js';
import { deleteCustomerChanges } from './lead-history.repository.js';
import { decodeCursor } from './page-cursor.js';
import { inTransaction, parseJson } from './repository-helpers.js';
import { initialSyncState } from './sync-states.repository.js';

export type CustomerSchedule = { intervalMinutes: number } | { cron: string; timezone: string };

export interface Customer {
  id: string;
  name: string;
  sheetUrl: string;
  sourceKind: SourceKind;
  spreadsheetId: string | null;
  gid: string | null;
  keyColumn: string | null;
  dateOrder: DateOrder;
  deleteThresholdPercent: number;
  fieldOverrides: Partial<Record<LeadField, string>>;
  schedule: CustomerSchedule;
  createdAt: string;
  updatedAt: string;
}

export interface NewCustomer {
  name: string;
  sheetUrl: string;
  sourceKind: SourceKind;
  /** Default null. */
  spreadsheetId?: string | null;
  /** Default null (the first tab). */
  gid?: string | null;
  /** Default null (automatic identity). */
  keyColumn?: string | null;
  /** Default DMY. */
  dateOrder?: DateOrder;
  /** Default 50. */
  deleteThresholdPercent?: number;
  /** Default none. */
  fieldOverrides?: Partial<Record<LeadField, string>>;
  /** Default every 10 minutes. */
  schedule?: CustomerSchedule;
}

export type CustomerPatch = Partial<NewCustomer>;

const DEFAULT_INTERVAL_MINUTES = 10;

export interface CreateOptions {
  /**
   * Create the customer already claimed by this owner (the CLI's `sync`, which runs it itself),
   * so no worker can take its first run in between. Should the owner die before it syncs, the
   * lease expires and a worker serves the claimed `create` trigger then.
   */
  leasedTo?: { owner: string; leaseMs: number };
}

/**
 * Creates a customer with its sync state, in one transaction. The state is due at once with a
 * `create` trigger: a new customer is synced right away (CONTRACT.md).
 * Throws CUSTOMER_EXISTS when the name is taken (names are compared exactly, case included).
 */
export async function createCustomer(
  db: Kysely<Database>,
  input: NewCustomer,
  now: Date,
  options: CreateOptions = {},
): Promise<Customer> {
  const at = now.toISOString();
  const row: CustomerRow = {
    id: newId(now.getTime()),
    name: input.name,
    sheetUrl: input.sheetUrl,
    sourceKind: input.sourceKind,
    spreadsheetId: input.spreadsheetId ?? null,
    gid: input.gid ?? null,
    keyColumn: input.keyColumn ?? null,
    dateOrder: input.dateOrder ?? 'DMY',
    deleteThresholdPercent: input.deleteThresholdPercent ?? 50,
    fieldOverrides: JSON.stringify(input.fieldOverrides ?? {}),
    ...scheduleColumns(input.schedule ?? { intervalMinutes: DEFAULT_INTERVAL_MINUTES }),
    notifyEmails: null,
    createdAt: at,
    updatedAt: at,
  };
  await uniqueName(input.name, () =>
    inTransaction(db, async (trx) => {
      await trx.insertInto('customers').values(row).execute();
      await trx
        .insertInto('lead_sync_states')
        .values({ ...initialSyncState(row.id, now), nextRunAt: at, ...firstTrigger(now, options) })
        .execute();
    }),
  );
  return toCustomer(row);
}

function firstTrigger(now: Date, { leasedTo }: CreateOptions) {
  if (!leasedTo) return { pendingTrigger: 'create' as const, askedAt: now.toISOString() };
  return {
    claimedTrigger: 'create' as const,
    leaseOwner: leasedTo.owner,
    leaseExpiresAt: new Date(now.getTime() + leasedTo.leaseMs).toISOString(),
  };
}

export async function findCustomerById(db: Kysely<Database>, id: string): Promise<Customer | undefined> {
  const row = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toCustomer(row);
}

export async function findCustomerByName(db: Kysely<Database>, name: string): Promise<Customer | undefined> {
  const row = await db.selectFrom('customers').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toCustomer(row);
}

/** Customers in creation order (ids are time-ordered), `limit` after the id `after` (VALIDATION_FAILED if malformed). */
export async function listCustomers(
  db: Kysely<Database>,
  page: { limit: number; after?: string | undefined },
): Promise<Customer[]> {
  let query = db.selectFrom('customers').selectAll().orderBy('id').limit(page.limit);
  const after = decodeCursor(page.after);
  if (after !== undefined) query = query.where('id', '>', after);
  return (await query.execute()).map(toCustomer);
}

/** Changes the given fields. Throws CUSTOMER_NOT_FOUND or CUSTOMER_EXISTS (name taken). */
export async function updateCustomer(
  db: Kysely<Database>,
  id: string,
  patch: CustomerPatch,
  now: Date,
): Promise<Customer> {
  const { schedule, fieldOverrides, ...plain } = patch;
  const set: CustomerUpdate = { updatedAt: now.toISOString() };
  for (const key of PLAIN_COLUMNS) if (plain[key] !== undefined) Object.assign(set, { [key]: plain[key] });
  if (fieldOverrides !== undefined) set.fieldOverrides = JSON.stringify(fieldOverrides);
  if (schedule !== undefined) Object.assign(set, scheduleColumns(schedule));
  const row = await uniqueName(patch.name, () =>
    db.updateTable('customers').set(set).where('id', '=', id).returningAll().executeTakeFirst(),
  );
  if (!row) throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${id}`);
  return toCustomer(row);
}

/** Deletes a customer with its leads, runs and state (ON DELETE CASCADE); false when absent. */
export async function deleteCustomer(db: Kysely<Database>, id: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    // lead_changes has no foreign key (see migration 0009): its rows go first, the rest cascades.
    await deleteCustomerChanges(trx, id);
    const result = await trx.deleteFrom('customers').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  });
}

// Written as given; listed so a patch object carrying extra keys cannot write other columns.
const PLAIN_COLUMNS = [
  'name',
  'sheetUrl',
  'sourceKind',
  'spreadsheetId',
  'gid',
  'keyColumn',
  'dateOrder',
  'deleteThresholdPercent',
] as const;

async function uniqueName<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new LeadsyncError('CUSTOMER_EXISTS', `A customer named "${name}" already exists`, { cause: error });
  }
}

function scheduleColumns(schedule: CustomerSchedule) {
  return 'cron' in schedule
    ? { scheduleIntervalMinutes: null, scheduleCron: schedule.cron, scheduleTimezone: schedule.timezone }
    : { scheduleIntervalMinutes: schedule.intervalMinutes, scheduleCron: null, scheduleTimezone: null };
}

function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    name: row.name,
    sheetUrl: row.sheetUrl,
    sourceKind: row.sourceKind,
    spreadsheetId: row.spreadsheetId,
    gid: row.gid,
    keyColumn: row.keyColumn,
    dateOrder: row.dateOrder,
    deleteThresholdPercent: row.deleteThresholdPercent,
    fieldOverrides: parseJson<Customer['fieldOverrides']>(row.fieldOverrides) ?? {},
    schedule:
      row.scheduleCron !== null
        ? { cron: row.scheduleCron, timezone: row.scheduleTimezone ?? 'UTC' }
        : { intervalMinutes: row.scheduleIntervalMinutes ?? DEFAULT_INTERVAL_MINUTES },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
