import type { ExpressionBuilder, Kysely } from 'kysely';
import { LeadsyncError } from '../errors.js';
import { newId } from '../ids.js';
import { fieldRecord, SHEET_OWNED_FIELDS } from '../sheet/lead-fields.js';
import type { LeadValues } from '../sheet/types.js';
import type { Database } from './database.js';
import { recordLeadChange, type FieldChange } from './change-batches.repository.js';
import {
  containsIgnoringCase,
  dialectOf,
  isForeignKeyViolation,
  traitsOf,
  type DialectName,
} from './dialect.js';
import { LEAD_COLUMNS, toLead, type Lead } from './lead.row.js';
import { decodeCursor } from './page-cursor.js';
import { inTransaction, toIsoOrNull } from './repository-helpers.js';

/*
 * Leads as the API and CLI see them. The sync's hot path has its own file
 * (leads-sync.repository.ts); this one reads pages and writes only what the CRM owns.
 */

export type { Lead } from './lead.row.js';

/** The fields the CRM owns; a sync never writes them. `score` is an integer. */
export interface LeadCrmPatch {
  status?: string;
  score?: number | null;
  convertedAt?: string | Date | null;
}

export type ManualLeadInput = Partial<LeadValues> & { data?: Record<string, string> } & Omit<
    LeadCrmPatch,
    'convertedAt'
  >;

const SEARCHED = ['fullName', 'firstName', 'lastName', 'email', 'company', 'phone'] as const;

/** Which of a customer's leads a listing covers: live ones unless `includeDeleted`, matching `q`. */
export interface LeadFilter {
  customerId: string;
  /** Case-insensitive substring of the name, email, company or phone, taken literally (`%`, `_`). */
  q?: string | undefined;
  includeDeleted?: boolean | undefined;
}

/**
 * A page of leads in id order (ids are time-ordered: oldest first). `cursor` is the previous
 * page's `nextCursor`, which is null on the last page.
 */
export async function listLeads(
  db: Kysely<Database>,
  page: LeadFilter & { limit: number; cursor?: string | undefined },
): Promise<{ leads: Lead[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('leads')
    .select(LEAD_COLUMNS)
    .where((eb) => matching(eb, dialectOf(db), page))
    .orderBy('id')
    .limit(page.limit + 1);
  const cursor = decodeCursor(page.cursor);
  if (cursor !== undefined) query = query.where('id', '>', cursor);
  const rows = await query.execute();
  const leads = rows.slice(0, page.limit).map(toLead);
  return { leads, nextCursor: rows.length > page.limit ? (leads.at(-1)?.id ?? null) : null };
}

/** How many leads a filter covers (an API listing's `total`). */
export async function countLeads(
  db: Kysely<Database>,
  customerId: string,
  options: Omit<LeadFilter, 'customerId'> = {},
): Promise<number> {
  const row = await db
    .selectFrom('leads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => matching(eb, dialectOf(db), { ...options, customerId }))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findLeadById(db: Kysely<Database>, id: string): Promise<Lead | undefined> {
  const row = await db.selectFrom('leads').select(LEAD_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row && toLead(row);
}

/**
 * Sets status, score and convertedAt only; undefined when there is no such lead. The fields whose
 * values changed are recorded as an `edit` in the change feed, in the same transaction.
 */
export async function updateLeadCrmFields(
  db: Kysely<Database>,
  id: string,
  patch: LeadCrmPatch,
  now: Date,
): Promise<Lead | undefined> {
  checkCrmFields(patch);
  const next = {
    ...(patch.status !== undefined && { status: patch.status }),
    ...(patch.score !== undefined && { score: patch.score }),
    ...(patch.convertedAt !== undefined && { convertedAt: toIsoOrNull(patch.convertedAt) }),
  };
  return inTransaction(db, async (trx) => {
    let before = trx.selectFrom('leads').select(['status', 'score', 'convertedAt']).where('id', '=', id);
    // Two edits of one lead at once: the second reads what the first wrote (row lock till commit).
    if (traitsOf(trx).supportsSkipLocked) before = before.forUpdate();
    const old = await before.executeTakeFirst();
    if (!old) return undefined;
    const row = await trx
      .updateTable('leads')
      .set({ ...next, updatedAt: now.toISOString() })
      .where('id', '=', id)
      .returning(LEAD_COLUMNS)
      .executeTakeFirst();
    if (!row) return undefined;
    const fields: Record<string, FieldChange> = {};
    for (const [name, value] of Object.entries(next)) {
      const was = old[name as keyof typeof old];
      if (was !== value) fields[name] = [was, value];
    }
    if (Object.keys(fields).length > 0) {
      await recordLeadChange(trx, { customerId: row.customerId, leadId: id, op: 'edit', fields, at: now });
    }
    return toLead(row);
  });
}

/**
 * A lead made by hand in the CRM: origin `manual`, external key `manual:<id>`, so a sync (which
 * only reads and writes origin `sheet`) never updates or deletes it. CUSTOMER_NOT_FOUND when the
 * customer does not exist.
 */
export async function createManualLead(
  db: Kysely<Database>,
  customerId: string,
  values: ManualLeadInput,
  now: Date,
): Promise<Lead> {
  checkCrmFields(values);
  const id = newId(now.getTime());
  const at = now.toISOString();
  try {
    return await inTransaction(db, async (trx) => {
      const row = await trx
        .insertInto('leads')
        .values({
          id,
          customerId,
          origin: 'manual',
          externalKey: `manual:${id}`,
          rowHash: null,
          data: JSON.stringify(values.data ?? {}),
          ...fieldRecord(SHEET_OWNED_FIELDS, (field) => values[field] ?? null),
          status: values.status ?? 'new',
          score: values.score ?? null,
          convertedAt: null,
          sheetRow: null,
          firstSeenAt: at,
          updatedAt: at,
          deletedAt: null,
        })
        .returning(LEAD_COLUMNS)
        .executeTakeFirstOrThrow();
      await recordLeadChange(trx, { customerId, leadId: id, op: 'insert', fields: null, at: now });
      return toLead(row);
    });
  } catch (error) {
    if (!isForeignKeyViolation(error)) throw error;
    throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${customerId}`, { cause: error });
  }
}

// PostgreSQL's integer column would reject 4.5 with a 500; say what is wrong instead.
function checkCrmFields(patch: { status?: string; score?: number | null }): void {
  if (patch.score !== undefined && patch.score !== null && !Number.isSafeInteger(patch.score)) {
    throw new LeadsyncError('VALIDATION_FAILED', `score must be an integer, got ${patch.score}`);
  }
  if (patch.status !== undefined && patch.status.trim() === '') {
    throw new LeadsyncError('VALIDATION_FAILED', 'status must not be empty');
  }
}

function matching(eb: ExpressionBuilder<Database, 'leads'>, dialect: DialectName, filter: LeadFilter) {
  const q = filter.q?.trim() ?? '';
  return eb.and([
    eb('customerId', '=', filter.customerId),
    ...(filter.includeDeleted ? [] : [eb('deletedAt', 'is', null)]),
    ...(q === '' ? [] : [eb.or(SEARCHED.map((column) => containsIgnoringCase(dialect, column, q)))]),
  ]);
}
