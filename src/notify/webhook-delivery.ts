import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findOutboxEvent, type OutboxEvent } from '../db/outbox.repository.js';
import {
  claimDueDeliveries,
  failPendingDeliveries,
  recordAttempt,
  type WebhookDelivery,
} from '../db/webhook-deliveries.repository.js';
import { findWebhook, recordWebhookFailure, recordWebhookSuccess } from '../db/webhooks.repository.js';
import type { BackoffPolicy } from '../sources/backoff.js';
import type { SecretBox } from '../db/secret-box.js';
import { nextDeliveryAttempt, WEBHOOK_DISABLE_AFTER_MS } from './delivery-schedule.js';
import type { WebhookBody } from '../events/event-types.js';
import type { WebhookSend } from './webhook-sender.js';

export interface DeliveryDeps {
  db: Kysely<Database>;
  send: WebhookSend;
  clock: () => Date;
  random: () => number;
  retry: BackoffPolicy;
  /** How long a claimed delivery stays claimed: longer than one send can take. */
  leaseMs: number;
  /** Opens the webhooks' stored secrets (LEADSYNC_SECRET_KEY). */
  secrets: SecretBox;
}

/** The body a webhook receives for an event. */
export function webhookBody(event: OutboxEvent): WebhookBody {
  return {
    id: event.id,
    type: event.type,
    customerId: event.customerId,
    createdAt: event.createdAt,
    data: event.payload,
  };
}

/** Sends every due delivery (up to `limit`); returns how many were attempted. */
export async function deliverDue(deps: DeliveryDeps, limit = 20): Promise<number> {
  const claimed = await claimDueDeliveries(deps.db, { limit, leaseMs: deps.leaseMs, now: deps.clock() });
  await Promise.all(claimed.map((delivery) => deliverOne(deps, delivery)));
  return claimed.length;
}

async function deliverOne(deps: DeliveryDeps, delivery: WebhookDelivery): Promise<void> {
  const { db } = deps;
  const [webhook, event] = await Promise.all([
    findWebhook(db, delivery.webhookId, deps.secrets),
    findOutboxEvent(db, delivery.eventId),
  ]);
  if (!webhook || !event) return; // Deleted meanwhile; the cascade takes the delivery too.
  const result = await deps.send(webhook.url, webhook.secret, webhookBody(event));
  const now = deps.clock();
  const attempt = delivery.attempt + 1;
  if (result.ok) {
    await recordAttempt(
      db,
      delivery.id,
      { ...result, attempt, state: 'delivered', nextAttemptAt: null },
      now,
    );
    await recordWebhookSuccess(db, webhook.id);
    return;
  }
  const next = nextDeliveryAttempt(attempt, new Date(delivery.createdAt), now, deps.retry, deps.random);
  const state = next === null ? 'failed' : 'pending';
  await recordAttempt(db, delivery.id, { ...result, attempt, state, nextAttemptAt: next }, now);
  const reason = `Disabled automatically: every delivery failed for 24 hours (last: ${result.error ?? 'unknown'})`;
  const disableBefore = new Date(now.getTime() - WEBHOOK_DISABLE_AFTER_MS);
  const { disabled } = await recordWebhookFailure(db, webhook.id, now, disableBefore, reason);
  if (disabled) await failPendingDeliveries(db, webhook.id, 'The webhook was disabled', now);
}
