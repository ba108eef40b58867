import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * Retention of the notification tables: what is done with and older than a cut-off goes, at
 * most `limit` rows per call (a short statement, so a backlog of months never holds a lock for
 * long). Nothing still owed to anyone is touched: an undelivered event, a delivery still being
 * retried and a mail still waiting or being sent stay whatever their age.
 */

/** Webhook deliveries that ended (delivered, or failed for good) and were last touched before `before`. */
export async function pruneWebhookDeliveries(
  db: Kysely<Database>,
  before: Date,
  limit: number,
): Promise<number> {
  const n = db;
  const result = await n
    .deleteFrom('webhook_deliveries')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('state', 'in', ['delivered', 'failed'])
        .where('updatedAt', '<', before.toISOString())
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Outbox events (the mail queue is their `mailState`) dispatched before `before`, whose mail was
 * sent or skipped (or never wanted), with no delivery still pending: deleting one would cascade
 * to its deliveries.
 */
export async function pruneOutboxEvents(db: Kysely<Database>, before: Date, limit: number): Promise<number> {
  const n = db;
  const result = await n
    .deleteFrom('outbox_events')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox_events as e')
        .select('e.id')
        .where('e.dispatchedAt', '<', before.toISOString())
        .where((w) => w.or([w('e.mailState', 'is', null), w('e.mailState', 'in', ['sent', 'skipped'])]))
        .where((w) =>
          w.not(
            w.exists(
              w
                .selectFrom('webhook_deliveries as d')
                .select('d.id')
                .whereRef('d.eventId', '=', 'e.id')
                .where('d.state', '=', 'pending'),
            ),
          ),
        )
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
