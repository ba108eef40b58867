import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { recordEvent } from '../events/record-event.js';
import { queueDeliveries, recordAttempt } from '../db/webhook-deliveries.repository.js';
import type { WebhookWithSecret } from '../db/webhooks.repository.js';
import { TEST_EVENT_TYPE } from '../events/event-types.js';
import { webhookBody } from './webhook-delivery.js';
import type { SendResult, WebhookSend } from './webhook-sender.js';

/**
 * Sends a signed `webhook.test` event now, while the caller waits, and logs it with the
 * webhook's deliveries. It is tried once: a test that fails is an answer, not a retry.
 */
export async function sendTestEvent(
  db: Kysely<Database>,
  webhook: WebhookWithSecret,
  send: WebhookSend,
  clock: () => Date,
): Promise<SendResult & { eventId: string }> {
  const now = clock();
  const payload = { webhookId: webhook.id, message: 'A test event from leadsync' };
  const event = await recordEvent(db, { type: TEST_EVENT_TYPE, customerId: null, payload }, now, {
    dispatched: true,
  });
  const [deliveryId] = await queueDeliveries(db, event, [webhook.id], now);
  const result = await send(webhook.url, webhook.secret, webhookBody(event));
  if (deliveryId !== undefined) {
    const state = result.ok ? 'delivered' : 'failed';
    await recordAttempt(db, deliveryId, { ...result, attempt: 1, state, nextAttemptAt: null }, clock());
  }
  return { ...result, eventId: event.id };
}
