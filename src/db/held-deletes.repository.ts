import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { traitsOf } from './dialect.js';

/**
 * The delete set of held runs (lead_sync_held_deletes, migration 0007): one row per key, so
 * an approval can check that it deletes the approved set or a subset of it, exactly. Only the
 * customer's latest finished run can be approved, so recording a run's set drops every other
 * run's of that customer, and a success drops them all: at most one set per customer is kept.
 */

/** Keys read per page when checking a set. */
const PAGE = 20_000;

/** Records `keys` as what `runId` would delete, replacing every other held set of the customer. */
export async function saveHeldDeletes(
  db: Kysely<Database>,
  customerId: string,
  runId: string,
  keys: readonly string[],
): Promise<void> {
  await dropHeldDeletes(db, customerId);
  // Three binds a row; within either dialect's bind limit.
  const rows = Math.min(5_000, Math.floor(traitsOf(db).maxBindParameters / 3));
  for (let i = 0; i < keys.length; i += rows) {
    const values = keys.slice(i, i + rows).map((externalKey) => ({ customerId, runId, externalKey }));
    await db.insertInto('lead_sync_held_deletes').values(values).execute();
  }
}

/** Drops the customer's held delete sets (a success supersedes every held run). */
export async function dropHeldDeletes(db: Kysely<Database>, customerId: string): Promise<void> {
  await db.deleteFrom('lead_sync_held_deletes').where('customerId', '=', customerId).execute();
}

/**
 * How many of `keys` are not in the held set of `runId`: 0 when `keys` is that set or a subset
 * of it. The held set is read in keyset pages, so memory is `keys` (already in memory) plus a
 * Set of them.
 */
export async function countOutsideHeldDeletes(
  db: Kysely<Database>,
  customerId: string,
  runId: string,
  keys: readonly string[],
): Promise<number> {
  const wanted = new Set(keys);
  let inside = 0;
  let after: string | null = null;
  for (;;) {
    let query = db
      .selectFrom('lead_sync_held_deletes')
      .select('externalKey')
      .where('customerId', '=', customerId)
      .where('runId', '=', runId);
    if (after !== null) query = query.where('externalKey', '>', after);
    const rows = await query.orderBy('externalKey').limit(PAGE).execute();
    for (const { externalKey } of rows) if (wanted.has(externalKey)) inside++;
    if (rows.length < PAGE) return wanted.size - inside;
    after = rows[rows.length - 1]!.externalKey;
  }
}
