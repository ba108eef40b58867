import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * The sync's own access to `leads`: only rows with origin `sheet` are ever read or written
 * here, so leads made by hand in the CRM are out of a sync's reach by construction.
 */

/** Index rows read per query: keyset pages keep memory flat instead of one array of every row. */
const INDEX_PAGE = 20_000;

/** What the sync's key → hash index is built from (sync/lead-index.ts). */
export interface IndexRow {
  externalKey: string;
  rowHash: string | null;
  deletedAt: string | null;
}

/** Every sheet-owned lead of the customer (deleted ones too), in key order, a keyset page at a time. */
export async function* indexRowPages(db: Kysely<Database>, customerId: string): AsyncGenerator<IndexRow[]> {
  let after: string | null = null;
  for (;;) {
    let query = db
      .selectFrom('leads')
      .select(['externalKey', 'rowHash', 'deletedAt'])
      .where('customerId', '=', customerId)
      .where('origin', '=', 'sheet');
    if (after !== null) query = query.where('externalKey', '>', after);
    const rows = await query.orderBy('externalKey').limit(INDEX_PAGE).execute();
    yield rows;
    if (rows.length < INDEX_PAGE) return;
    after = rows[rows.length - 1]!.externalKey;
  }
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
