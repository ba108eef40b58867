import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { insertOutboxEvent, type OutboxEvent } from '../db/outbox.repository.js';
import type { NewEvent, TestEvent } from './event-types.js';

/**
 * Stores an event of the vocabulary (its payload checked against its type) in the outbox. Call it
 * with the transaction of the change that caused the event, so both commit or neither does.
 */
export function recordEvent(
  db: Kysely<Database>,
  event: NewEvent | TestEvent,
  now: Date,
  options: { dispatched?: boolean } = {},
): Promise<OutboxEvent> {
  return insertOutboxEvent(db, event, now, options);
}
