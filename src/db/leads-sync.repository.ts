import type { Kysely } from 'kysely';
import type { Database, NewLeadRow } from './database.js';
import type { SheetLead } from '../sheet/types.js';
import { indexEntry, type LeadIndex } from '../sync/diff.js';
import { newId } from '../ids.js';

/**
 * The sync's own access to `leads`: only rows with origin `sheet` are ever read or written
 * here, so leads made by hand in the CRM are out of a sync's reach by construction.
 */

/** key → row hash of every sheet-owned lead of the customer (deleted ones marked). */
export async function loadLeadIndex(db: Kysely<Database>, customerId: string): Promise<LeadIndex> {
  const rows = await db
    .selectFrom('leads')
    .select(['externalKey', 'rowHash', 'deletedAt'])
    .where('customerId', '=', customerId)
    .where('origin', '=', 'sheet')
    .execute();
  const index: LeadIndex = new Map();
  for (const row of rows) index.set(row.externalKey, indexEntry(row.rowHash, row.deletedAt !== null));
  return index;
}

export async function countLiveSheetLeads(db: Kysely<Database>, customerId: string): Promise<number> {
  const row = await db
    .selectFrom('leads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customerId', '=', customerId)
    .where('origin', '=', 'sheet')
    .where('deletedAt', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function toRow(customerId: string, lead: SheetLead, now: string): NewLeadRow {
  const v = lead.values;
  return {
    id: newId(),
    customerId,
    origin: 'sheet',
    externalKey: lead.key,
    rowHash: lead.hash,
    data: JSON.stringify(lead.data),
    fullName: v.fullName,
    firstName: v.firstName,
    lastName: v.lastName,
    email: v.email,
    phone: v.phone,
    phoneNormalized: v.phoneNormalized,
    company: v.company,
    jobTitle: v.jobTitle,
    source: v.source,
    owner: v.owner,
    occurredAt: v.occurredAt,
    notes: v.notes,
    sheetRow: lead.sheetRow,
    firstSeenAt: now,
    updatedAt: now,
    deletedAt: null,
  };
}

/**
 * Inserts new leads and rewrites changed or returning ones in one multi-row statement.
 * Only sheet-owned columns are in the update list: status, score and the other CRM fields
 * keep whatever the CRM set, and firstSeenAt keeps the first sighting.
 */
export async function upsertSheetLeads(
  db: Kysely<Database>,
  customerId: string,
  leads: readonly SheetLead[],
  now: string,
): Promise<void> {
  if (leads.length === 0) return;
  await db
    .insertInto('leads')
    .values(leads.map((lead) => toRow(customerId, lead, now)))
    .onConflict((oc) =>
      oc
        .columns(['customerId', 'externalKey'])
        .doUpdateSet((eb) => ({
          rowHash: eb.ref('excluded.rowHash'),
          data: eb.ref('excluded.data'),
          fullName: eb.ref('excluded.fullName'),
          firstName: eb.ref('excluded.firstName'),
          lastName: eb.ref('excluded.lastName'),
          email: eb.ref('excluded.email'),
          phone: eb.ref('excluded.phone'),
          phoneNormalized: eb.ref('excluded.phoneNormalized'),
          company: eb.ref('excluded.company'),
          jobTitle: eb.ref('excluded.jobTitle'),
          source: eb.ref('excluded.source'),
          owner: eb.ref('excluded.owner'),
          occurredAt: eb.ref('excluded.occurredAt'),
          notes: eb.ref('excluded.notes'),
          sheetRow: eb.ref('excluded.sheetRow'),
          updatedAt: eb.ref('excluded.updatedAt'),
          deletedAt: null,
        }))
        .where('leads.origin', '=', 'sheet'),
    )
    .execute();
}

/** Who a held run would delete: enough of each lead for a person to recognise it. */
export interface HeldLead {
  externalKey: string;
  fullName: string | null;
  email: string | null;
  company: string | null;
}

/** The sheet leads with the given keys (a sample of at most a few dozen), in key order. */
export async function describeSheetLeads(
  db: Kysely<Database>,
  customerId: string,
  keys: readonly string[],
): Promise<HeldLead[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom('leads')
    .select(['externalKey', 'fullName', 'email', 'company'])
    .where('customerId', '=', customerId)
    .where('origin', '=', 'sheet')
    .where('externalKey', 'in', keys)
    .orderBy('externalKey')
    .execute();
}

/** Soft-deletes the given sheet-owned leads; returns how many were live. */
export async function softDeleteSheetLeads(
  db: Kysely<Database>,
  customerId: string,
  keys: readonly string[],
  now: string,
): Promise<number> {
  if (keys.length === 0) return 0;
  const result = await db
    .updateTable('leads')
    .set({ deletedAt: now, updatedAt: now })
    .where('customerId', '=', customerId)
    .where('origin', '=', 'sheet')
    .where('deletedAt', 'is', null)
    .where('externalKey', 'in', keys)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
