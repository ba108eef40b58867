import type { Kysely } from 'kysely';
import { LeadsyncError } from '../errors.js';
import { newId } from '../ids.js';
import type { LeadValues } from '../sheet/types.js';
import type { Database, LeadOrigin, LeadsTable } from './database.js';
import { containsIgnoringCase, dialectOf, isForeignKeyViolation } from './dialect.js';
import { parseJson, toIsoOrNull } from './repository-helpers.js';

/**
 * Leads as the API and CLI see them. The sync's hot path has its own file
 * (leads-sync.repository.ts); this one reads pages and writes only what the CRM owns.
 */
export interface Lead {
  id: string;
  customerId: string;
  origin: LeadOrigin;
  externalKey: string;
  fullName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  jobTitle: string | null;
  source: string | null;
  owner: string | null;
  occurredAt: string | null;
  notes: string | null;
  status: string;
  score: number | null;
  convertedAt: string | null;
  data: Record<string, string>;
  sheetRow: number | null;
  firstSeenAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

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

const LEAD_COLUMNS = [
  'id',
  'customerId',
  'origin',
  'externalKey',
  'fullName',
  'firstName',
  'lastName',
  'email',
  'phone',
  'company',
  'jobTitle',
  'source',
  'owner',
  'occurredAt',
  'notes',
  'status',
  'score',
  'convertedAt',
  'data',
  'sheetRow',
  'firstSeenAt',
  'updatedAt',
  'deletedAt',
] as const satisfies readonly (keyof LeadsTable)[];

const SEARCHED = ['fullName', 'firstName', 'lastName', 'email', 'company', 'phone'] as const;

/**
 * A page of a customer's leads in id order (ids are time-ordered: oldest first). `cursor` is
 * the previous page's `nextCursor`, null on the last page. `q` matches a case-insensitive
 * substring of the name, email, company or phone, taken literally (`%` and `_` included).
 */
export async function listLeads(
  db: Kysely<Database>,
  page: { customerId: string; limit: number; cursor?: string; q?: string; includeDeleted?: boolean },
): Promise<{ leads: Lead[]; nextCursor: string | null }> {
  const dialect = dialectOf(db);
  const q = page.q?.trim() ?? '';
  let query = db
    .selectFrom('leads')
    .select(LEAD_COLUMNS)
    .where('customerId', '=', page.customerId)
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.cursor !== undefined) query = query.where('id', '>', page.cursor);
  if (!page.includeDeleted) query = query.where('deletedAt', 'is', null);
  if (q !== '') query = query.where((eb) => eb.or(SEARCHED.map((c) => containsIgnoringCase(dialect, c, q))));
  const rows = await query.execute();
  const leads = rows.slice(0, page.limit).map(toLead);
  return { leads, nextCursor: rows.length > page.limit ? (leads.at(-1)?.id ?? null) : null };
}

export async function countLeads(
  db: Kysely<Database>,
  customerId: string,
  options: { includeDeleted?: boolean } = {},
): Promise<number> {
  let query = db
    .selectFrom('leads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customerId', '=', customerId);
  if (!options.includeDeleted) query = query.where('deletedAt', 'is', null);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

export async function findLeadById(db: Kysely<Database>, id: string): Promise<Lead | undefined> {
  const row = await db.selectFrom('leads').select(LEAD_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row && toLead(row);
}

/** Sets status, score and convertedAt only; undefined when there is no such lead. */
export async function updateLeadCrmFields(
  db: Kysely<Database>,
  id: string,
  patch: LeadCrmPatch,
  now: Date,
): Promise<Lead | undefined> {
  checkCrmFields(patch);
  const row = await db
    .updateTable('leads')
    .set({
      ...(patch.status !== undefined && { status: patch.status }),
      ...(patch.score !== undefined && { score: patch.score }),
      ...(patch.convertedAt !== undefined && { convertedAt: toIsoOrNull(patch.convertedAt) }),
      updatedAt: now.toISOString(),
    })
    .where('id', '=', id)
    .returning(LEAD_COLUMNS)
    .executeTakeFirst();
  return row && toLead(row);
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
    const row = await db
      .insertInto('leads')
      .values({
        id,
        customerId,
        origin: 'manual',
        externalKey: `manual:${id}`,
        rowHash: null,
        data: JSON.stringify(values.data ?? {}),
        fullName: values.fullName ?? null,
        firstName: values.firstName ?? null,
        lastName: values.lastName ?? null,
        email: values.email ?? null,
        phone: values.phone ?? null,
        phoneNormalized: values.phoneNormalized ?? null,
        company: values.company ?? null,
        jobTitle: values.jobTitle ?? null,
        source: values.source ?? null,
        owner: values.owner ?? null,
        occurredAt: values.occurredAt ?? null,
        notes: values.notes ?? null,
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
    return toLead(row);
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

type LeadColumns = Omit<Lead, 'data'> & { data: string };

function toLead(row: LeadColumns): Lead {
  return { ...row, data: parseJson<Record<string, string>>(row.data) ?? {} };
}
