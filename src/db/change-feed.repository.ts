import type { Kysely } from 'kysely';
import type { ChangeOp, Database } from './database.js';
import { AFTER_BATCH, isAfter, type FeedPosition } from './change-cursor.js';
import type { ChangeBatch, FieldChange } from './change-batches.repository.js';
import { LEAD_COLUMNS, toLead, type Lead } from './lead.row.js';
import { parseJson } from './repository-helpers.js';

/**
 * The read side of the change feed: changes after a position, oldest first, each with the lead
 * as it is now. Batches are found by position (index), then their changes by (batchId, seq):
 * the small batches of a page in one query, a large one (a first sync's 500k) a page at a time.
 */
export interface FeedChange {
  op: ChangeOp;
  lead: Lead;
  fields: Record<string, FieldChange> | null;
  runId: string | null;
  at: string;
  /** Where this change is: a cursor that reads on after it. */
  place: FeedPosition;
}

export interface FeedPage {
  changes: FeedChange[];
  /** After the last change returned (or where the read started, when there was none). */
  next: FeedPosition;
  hasMore: boolean;
}

type BatchRef = Pick<ChangeBatch, 'id' | 'position' | 'runId' | 'at' | 'changes' | 'lastSeq'>;

/** Changes after `since`, of one customer or (customerId undefined) of all, at most `limit`. */
export async function listLeadChanges(
  db: Kysely<Database>,
  query: { customerId?: string | undefined; since: FeedPosition; limit: number },
): Promise<FeedPage> {
  const want = query.limit + 1;
  const found: FeedChange[] = [];
  let cursor = query.since;
  for (;;) {
    const room = want - found.length;
    if (room <= 0) break;
    let batches = db
      .selectFrom('change_batches')
      .select(['id', 'position', 'runId', 'at', 'changes', 'lastSeq'])
      .where('position', cursor.seq === AFTER_BATCH ? '>' : '>=', cursor.position)
      .orderBy('position')
      .limit(room + 1);
    if (query.customerId !== undefined) batches = batches.where('customerId', '=', query.customerId);
    const list = await batches.execute();
    if (list.length === 0) break;
    // Whole batches while their counts fit the room (counts are upper bounds), then one in part.
    const whole: BatchRef[] = [];
    let planned = 0;
    let partial: { batch: BatchRef; limit: number } | null = null;
    for (const batch of list) {
      const left = room - planned;
      if (left <= 0) break;
      if (batch.changes <= left) {
        whole.push(batch);
        planned += batch.changes;
      } else {
        partial = { batch, limit: left };
        break;
      }
    }
    const afterSeq = (batch: BatchRef) => (batch.position === cursor.position ? cursor.seq : 0);
    found.push(...(await changesOfBatches(db, whole, afterSeq)));
    const last = whole.at(-1);
    let next: FeedPosition = last ? { position: last.position, seq: AFTER_BATCH } : cursor;
    let partialDone = true;
    if (partial) {
      const { batch, limit } = partial;
      const part = await changesOfBatch(db, batch, afterSeq(batch), limit);
      found.push(...part.changes);
      partialDone = part.done;
      next = partialDone ? { position: batch.position, seq: AFTER_BATCH } : part.changes.at(-1)!.place;
    }
    if (!isAfter(next, cursor)) break;
    cursor = next;
    const consumed = whole.length + (partial ? 1 : 0);
    // Every batch there is was listed (no LIMIT cut) and read to its end: nothing more to find.
    if (consumed === list.length && list.length <= room && partialDone) break;
  }
  const changes = found.slice(0, query.limit);
  return { changes, next: changes.at(-1)?.place ?? query.since, hasMore: found.length > query.limit };
}

function selectChanges(db: Kysely<Database>) {
  return db
    .selectFrom('lead_changes as c')
    .innerJoin('leads', 'leads.id', 'c.leadId')
    .select(['c.batchId', 'c.seq', 'c.op', 'c.fields'])
    .select(LEAD_COLUMNS.map((column) => `leads.${column}` as const));
}

type ChangeRow = Awaited<ReturnType<ReturnType<typeof selectChanges>['execute']>>[number];

function toChange(row: ChangeRow, batch: BatchRef): FeedChange {
  const { batchId: _batch, seq, op, fields, ...lead } = row;
  return {
    op,
    lead: toLead(lead),
    fields: parseJson<Record<string, FieldChange>>(fields),
    runId: batch.runId,
    at: batch.at,
    place: { position: batch.position, seq },
  };
}

async function changesOfBatches(
  db: Kysely<Database>,
  batches: BatchRef[],
  afterSeq: (batch: BatchRef) => number,
): Promise<FeedChange[]> {
  if (batches.length === 0) return [];
  const byId = new Map(batches.map((b) => [b.id, b]));
  // At most the first batch is read from a seq past 0 (the rest of the one the cursor is in).
  const [first, ...rest] = batches as [BatchRef, ...BatchRef[]];
  const rows = await selectChanges(db)
    .where((eb) =>
      eb.or([
        eb.and([eb('c.batchId', '=', first.id), eb('c.seq', '>', afterSeq(first))]),
        ...(rest.length > 0
          ? [
              eb(
                'c.batchId',
                'in',
                rest.map((b) => b.id),
              ),
            ]
          : []),
      ]),
    )
    .execute();
  return rows
    .map((row) => toChange(row, byId.get(row.batchId)!))
    .sort((a, b) => a.place.position - b.place.position || a.place.seq - b.place.seq);
}

/**
 * Up to `limit` changes of one batch after `afterSeq`, read in seq ranges of at most `limit`
 * places: each query sorts at most that many rows, whatever plan the database picks (right after
 * a first sync PostgreSQL has no statistics for the new rows yet, and a plain `seq > x ORDER BY
 * seq LIMIT n` was planned as a scan and sort of the whole rest of the batch, on every page).
 * `done` when the batch was read to its last place.
 */
async function changesOfBatch(
  db: Kysely<Database>,
  batch: BatchRef,
  afterSeq: number,
  limit: number,
): Promise<{ changes: FeedChange[]; done: boolean }> {
  const changes: FeedChange[] = [];
  let from = afterSeq;
  while (changes.length < limit && from < batch.lastSeq) {
    const to = Math.min(batch.lastSeq, from + (limit - changes.length));
    const rows = await selectChanges(db)
      .where('c.batchId', '=', batch.id)
      .where('c.seq', '>', from)
      .where('c.seq', '<=', to)
      .orderBy('c.seq')
      .execute();
    for (const row of rows) changes.push(toChange(row, batch));
    from = to;
  }
  return { changes, done: from >= batch.lastSeq };
}

/** The place of a batch's last change (a `leads.changed` event's `toCursor`). */
export async function lastPlaceOfBatch(
  db: Kysely<Database>,
  batch: Pick<ChangeBatch, 'id' | 'position'>,
): Promise<FeedPosition> {
  const row = await db
    .selectFrom('lead_changes')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('batchId', '=', batch.id)
    .executeTakeFirst();
  return { position: batch.position, seq: Number(row?.seq ?? 0) };
}
