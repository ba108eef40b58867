import type { Kysely } from 'kysely';
import { newId } from '../ids.js';
import type { Database } from './database.js';
import { traitsOf } from './dialect.js';
import { type DeliveryState, type WebhookDeliveryRow } from './notify.tables.js';

/** One event to one webhook: the row is updated by each attempt, so it shows the latest one. */
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
  nextAttemptAt: string | null;
  state: DeliveryState;
  createdAt: string;
  updatedAt: string;
}

/**
 * Queues an event for each webhook, due now, and returns the new deliveries' ids. A pair already
 * queued is left alone (an event fanned out twice is still delivered once per webhook).
 */
export async function queueDeliveries(
  db: Kysely<Database>,
  event: { id: string; type: string },
  webhookIds: readonly string[],
  now: Date,
): Promise<string[]> {
  if (webhookIds.length === 0) return [];
  const at = now.toISOString();
  const rows = webhookIds.map((webhookId) => ({
    id: newId(now.getTime()),
    webhookId,
    eventId: event.id,
    eventType: event.type,
    attempt: 0,
    nextAttemptAt: at,
    state: 'pending' as const,
    createdAt: at,
    updatedAt: at,
  }));
  const inserted = await db
    .insertInto('webhook_deliveries')
    .values(rows)
    .onConflict((oc) => oc.columns(['webhookId', 'eventId']).doNothing())
    .returning('id')
    .execute();
  return inserted.map((r) => r.id);
}

/**
 * Claims up to `limit` due deliveries by moving their next attempt `leaseMs` ahead: a dispatcher
 * that dies mid-send leaves them due again once that passes. Disjoint across dispatchers
 * (SKIP LOCKED on PostgreSQL; SQLite has one writer).
 */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  options: { limit: number; leaseMs: number; now: Date },
): Promise<WebhookDelivery[]> {
  let due = db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('state', '=', 'pending')
    .where('nextAttemptAt', '<=', options.now.toISOString())
    .orderBy('nextAttemptAt')
    .limit(options.limit);
  if (traitsOf(db).supportsSkipLocked) due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable('webhook_deliveries')
    .set({ nextAttemptAt: new Date(options.now.getTime() + options.leaseMs).toISOString() })
    .where('id', 'in', due)
    .where('state', '=', 'pending')
    .returningAll()
    .execute();
  return rows.map(toDelivery);
}

export interface AttemptResult {
  attempt: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  state: DeliveryState;
  nextAttemptAt: Date | null;
}

export async function recordAttempt(
  db: Kysely<Database>,
  id: string,
  result: AttemptResult,
  now: Date,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      attempt: result.attempt,
      statusCode: result.statusCode,
      latencyMs: Math.round(result.latencyMs),
      error: result.error,
      state: result.state,
      nextAttemptAt: result.nextAttemptAt?.toISOString() ?? null,
      updatedAt: now.toISOString(),
    })
    .where('id', '=', id)
    .execute();
}

/** Gives up the pending deliveries of a webhook that was disabled. */
export async function failPendingDeliveries(
  db: Kysely<Database>,
  webhookId: string,
  reason: string,
  now: Date,
) {
  await db
    .updateTable('webhook_deliveries')
    .set({ state: 'failed', error: reason, nextAttemptAt: null, updatedAt: now.toISOString() })
    .where('webhookId', '=', webhookId)
    .where('state', '=', 'pending')
    .execute();
}

/** A webhook's deliveries, newest first. */
export async function listDeliveries(
  db: Kysely<Database>,
  webhookId: string,
  limit: number,
): Promise<WebhookDelivery[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhookId', '=', webhookId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

function toDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return { ...row };
}
