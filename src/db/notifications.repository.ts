import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { decodeCursor } from './page-cursor.js';
import { toOutboxEvent, type OutboxEvent } from './outbox.repository.js';

/**
 * The dashboard's notification list: recent outbox events of the kinds people act on, and a read
 * marker per reader. Event ids are time-ordered (UUIDv7), so "read up to an id" is `id <= marker`.
 */
export const NOTIFICATION_TYPES = [
  'sync.failed',
  'sync.needs_review',
  'customer.paused',
  'customer.resumed',
  'customer.recovered',
  'sheet.headers_changed',
] as const;

export async function listNotifications(
  db: Kysely<Database>,
  page: { limit: number; before?: string | undefined; customerId?: string | undefined },
): Promise<OutboxEvent[]> {
  let query = db
    .selectFrom('outbox_events')
    .selectAll()
    .where('type', 'in', NOTIFICATION_TYPES)
    .orderBy('id', 'desc')
    .limit(page.limit);
  const before = decodeCursor(page.before);
  if (before !== undefined) query = query.where('id', '<', before);
  if (page.customerId !== undefined) query = query.where('customerId', '=', page.customerId);
  return (await query.execute()).map(toOutboxEvent);
}

/** Whether `id` is a notification (of `customerId`'s, when given): the only ids a read marker may hold. */
export async function isNotification(
  db: Kysely<Database>,
  id: string,
  customerId?: string,
): Promise<boolean> {
  let query = db
    .selectFrom('outbox_events')
    .select('id')
    .where('id', '=', id)
    .where('type', 'in', NOTIFICATION_TYPES);
  if (customerId !== undefined) query = query.where('customerId', '=', customerId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function countUnread(
  db: Kysely<Database>,
  lastReadId: string | null,
  customerId?: string,
): Promise<number> {
  let query = db
    .selectFrom('outbox_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', 'in', NOTIFICATION_TYPES);
  if (lastReadId !== null) query = query.where('id', '>', lastReadId);
  if (customerId !== undefined) query = query.where('customerId', '=', customerId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

export async function findReadMarker(db: Kysely<Database>, reader: string): Promise<string | null> {
  const row = await db
    .selectFrom('notification_reads')
    .select('lastReadId')
    .where('reader', '=', reader)
    .executeTakeFirst();
  return row?.lastReadId ?? null;
}

/**
 * Sets the reader's marker to `upTo`: everything up to it is read, everything after it unread,
 * so an older id marks the newer ones unread again. Callers pass an existing notification's id
 * (isNotification): a made-up id newer than every event would mark all future ones read.
 */
export async function markReadUpTo(
  db: Kysely<Database>,
  reader: string,
  upTo: string,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto('notification_reads')
    .values({ reader, lastReadId: upTo, updatedAt: at })
    .onConflict((oc) => oc.column('reader').doUpdateSet({ lastReadId: upTo, updatedAt: at }))
    .execute();
}
