import type { Kysely } from 'kysely';
import { newId } from '../ids.js';
import type { Database } from './database.js';
import { traitsOf } from './dialect.js';
import { type MailState, type OutboxEventRow } from './notify.tables.js';

/** A stored event, payload parsed. */
export interface OutboxEvent {
  id: string;
  type: string;
  customerId: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
}

// Ids order the outbox (delivery order, the dashboard's "read up to"). Events written in the same
// millisecond (a run's ending writes up to three) get the next millisecond, so that order is the
// order they were written in, at least within one process.
let lastIdMs = 0;
function nextEventId(now: Date): string {
  lastIdMs = Math.max(now.getTime(), lastIdMs + 1);
  return newId(lastIdMs);
}

/** An event to store; its type and payload are checked by events/record-event.ts, which calls this. */
export interface OutboxEventInput {
  type: string;
  customerId: string | null;
  payload: unknown;
}

/**
 * Writes an event to the outbox. Call it with the transaction of the change that caused the
 * event, so both commit or neither does.
 */
export async function insertOutboxEvent(
  db: Kysely<Database>,
  event: OutboxEventInput,
  now: Date,
  options: { dispatched?: boolean } = {},
): Promise<OutboxEvent> {
  const row = {
    id: nextEventId(now),
    type: event.type,
    customerId: event.customerId,
    payload: JSON.stringify(event.payload),
    createdAt: now.toISOString(),
    // A test event is delivered by its caller; no dispatcher should fan it out.
    dispatchedAt: options.dispatched ? now.toISOString() : null,
  };
  await db.insertInto('outbox_events').values(row).execute();
  return toOutboxEvent({ ...row, claimedBy: null, claimExpiresAt: null, mailState: null, mailedAt: null });
}

/**
 * Claims up to `limit` events no dispatcher has fanned out, oldest first, for `leaseMs`: a
 * dispatcher that dies holding them lets the claim expire and another takes them. Concurrent
 * dispatchers take disjoint sets (SKIP LOCKED on PostgreSQL; SQLite has one writer).
 */
export async function claimUndispatched(
  db: Kysely<Database>,
  owner: string,
  options: { limit: number; leaseMs: number; now: Date },
): Promise<OutboxEvent[]> {
  const at = options.now.toISOString();
  const free = (q: typeof candidates) =>
    q
      .where('dispatchedAt', 'is', null)
      .where((eb) => eb.or([eb('claimExpiresAt', 'is', null), eb('claimExpiresAt', '<=', at)]));
  let candidates = db.selectFrom('outbox_events').select('id');
  candidates = free(candidates).orderBy('id').limit(options.limit);
  if (traitsOf(db).supportsSkipLocked) candidates = candidates.forUpdate().skipLocked();
  const rows = await db
    .updateTable('outbox_events')
    .set({
      claimedBy: owner,
      claimExpiresAt: new Date(options.now.getTime() + options.leaseMs).toISOString(),
    })
    .where('id', 'in', candidates)
    .where('dispatchedAt', 'is', null)
    .returningAll()
    .execute();
  return rows.map(toOutboxEvent).sort((a, b) => a.id.localeCompare(b.id));
}

/** Marks a claimed event fanned out; false when the claim was lost (another dispatcher has it). */
export async function markDispatched(
  db: Kysely<Database>,
  eventId: string,
  owner: string,
  mailState: MailState | null,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('outbox_events')
    .set({ dispatchedAt: now.toISOString(), claimedBy: null, claimExpiresAt: null, mailState })
    .where('id', '=', eventId)
    .where('claimedBy', '=', owner)
    .where('dispatchedAt', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function findOutboxEvent(db: Kysely<Database>, id: string): Promise<OutboxEvent | undefined> {
  const row = await db.selectFrom('outbox_events').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toOutboxEvent(row);
}

export function toOutboxEvent(row: OutboxEventRow): OutboxEvent {
  return {
    id: row.id,
    type: row.type,
    customerId: row.customerId,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    createdAt: row.createdAt,
  };
}
