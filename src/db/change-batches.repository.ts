import { sql, type Kysely } from 'kysely';
import { newId } from '../ids.js';
import type { ChangeOp, Database } from './database.js';

/**
 * The write side of the change feed. Every transaction that changes leads records its changes in
 * `lead_changes` (a sync: set-based, chunk by chunk, src/db/lead-changes.merge.ts) and, as its
 * last step, one `change_batches` row whose position comes from `change_counter`.
 *
 * Why at the end, under the counter's row lock: on PostgreSQL, numbers taken earlier (a sequence,
 * or a counter read at the start) are not committed in the order they were taken. A consumer that
 * read up to 7 could later see a 6 appear and would never go back for it. The UPDATE of the
 * counter row holds its lock until commit, so the next writer's UPDATE waits for that commit and
 * then takes the following number: positions become visible strictly in order, with no hole a
 * reader could step over. A rolled-back transaction gives its number back (the counter is a row,
 * not a sequence). Taken last, the lock is held for the few statements before commit only, not
 * for a sync's whole merge; on SQLite, one writer at a time, it costs nothing more.
 */
export interface ChangeBatch {
  id: string;
  customerId: string;
  position: number;
  runId: string | null;
  at: string;
  changes: number;
  lastSeq: number;
}

/** A field's value: text, a number (score), or the sheet's columns (`data`). */
export type FieldValue = string | number | null | Record<string, string>;
/** A field's value before and after a write, as stored (`[from, to]`). */
export type FieldChange = [from: FieldValue, to: FieldValue];

export interface NewBatch {
  /** The batch id the changes were recorded under (a sync: its run id). */
  id: string;
  customerId: string;
  runId: string | null;
  at: string;
  /** lead_changes rows recorded; 0 = nothing changed, no batch (and no position) is taken. */
  changes: number;
  /** The largest seq a change may have (a sync: its staged rows). */
  lastSeq: number;
}

/** Takes the next position and records the batch: call it last in the write transaction. */
export async function commitChangeBatch(trx: Kysely<Database>, batch: NewBatch): Promise<ChangeBatch | null> {
  if (batch.changes === 0) return null;
  const counter = await trx
    .updateTable('change_counter')
    .set({ position: sql<number>`position + 1` })
    .where('id', '=', 1)
    .returning('position')
    .executeTakeFirstOrThrow();
  const row = { ...batch, position: Number(counter.position) };
  await trx.insertInto('change_batches').values(row).execute();
  return row;
}

/** Records one lead's change outside a sync (a CRM edit, a manual lead) as a batch of its own. */
export async function recordLeadChange(
  trx: Kysely<Database>,
  change: {
    customerId: string;
    leadId: string;
    op: ChangeOp;
    fields: Record<string, FieldChange> | null;
    at: Date;
  },
): Promise<ChangeBatch | null> {
  const id = newId(change.at.getTime());
  await trx
    .insertInto('lead_changes')
    .values({
      batchId: id,
      seq: 1,
      leadId: change.leadId,
      op: change.op,
      fields: change.fields && JSON.stringify(change.fields),
    })
    .execute();
  return commitChangeBatch(trx, {
    id,
    customerId: change.customerId,
    runId: null,
    at: change.at.toISOString(),
    changes: 1,
    lastSeq: 1,
  });
}
