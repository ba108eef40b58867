import { sql, type Kysely } from 'kysely';
import type { ChangeOp, Database } from './database.js';
import type { FieldChange } from './change-batches.repository.js';
import type { FeedPosition } from './change-cursor.js';
import { parseJson } from './repository-helpers.js';

/** One write to one lead, as its history shows it. */
export interface LeadHistoryEntry {
  at: string;
  runId: string | null;
  op: ChangeOp;
  fields: Record<string, FieldChange> | null;
  place: FeedPosition;
}

/** A lead's changes, newest first; `before` continues an earlier page (the last entry's place). */
export async function listLeadHistory(
  db: Kysely<Database>,
  leadId: string,
  page: { limit: number; before?: FeedPosition | undefined },
): Promise<LeadHistoryEntry[]> {
  // A lead is in a batch at most once, so the batch's position orders its history.
  let query = db
    .selectFrom('lead_changes as c')
    .innerJoin('change_batches as b', 'b.id', 'c.batchId')
    .select(['b.at', 'b.runId', 'b.position', 'c.seq', 'c.op', 'c.fields'])
    .where('c.leadId', '=', leadId)
    .orderBy('b.position', 'desc')
    .limit(page.limit);
  if (page.before) query = query.where('b.position', '<', page.before.position);
  const rows = await query.execute();
  return rows.map((row) => ({
    at: row.at,
    runId: row.runId,
    op: row.op,
    fields: parseJson<Record<string, FieldChange>>(row.fields),
    place: { position: Number(row.position), seq: row.seq },
  }));
}

/**
 * History retention (LEADSYNC_HISTORY_DAYS): removes changes older than `before`, except each
 * lead's latest one, which the feed still needs (a consumer reading from an old cursor must find
 * every lead's latest state). So retention compacts the feed; it never loses a lead from it.
 * Returns the changes removed.
 */
export async function pruneLeadHistory(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('lead_changes')
    .where(
      'batchId',
      'in',
      db.selectFrom('change_batches').select('id').where('at', '<', before.toISOString()),
    )
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('lead_changes as newer')
          .innerJoin('change_batches as nb', 'nb.id', 'newer.batchId')
          .select(sql.lit(1).as('one'))
          .whereRef('newer.leadId', '=', 'lead_changes.leadId')
          .where(
            'nb.position',
            '>',
            selectFrom('change_batches as ob')
              .select('ob.position')
              .whereRef('ob.id', '=', 'lead_changes.batchId'),
          ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Drops the change rows of a customer's batches (before the customer goes; batches cascade). */
export async function deleteCustomerChanges(db: Kysely<Database>, customerId: string): Promise<void> {
  await db
    .deleteFrom('lead_changes')
    .where('batchId', 'in', db.selectFrom('change_batches').select('id').where('customerId', '=', customerId))
    .execute();
}
