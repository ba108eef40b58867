import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { claimUndispatched, markDispatched, type OutboxEvent } from '../db/outbox.repository.js';
import { queueDeliveries } from '../db/webhook-deliveries.repository.js';
import { listEnabledWebhooks, type Webhook } from '../db/webhooks.repository.js';
import { isMailWorthy } from './mail-policy.js';

export interface FanOutDeps {
  db: Kysely<Database>;
  clock: () => Date;
  /** This dispatcher's claim name. */
  owner: string;
  leaseMs: number;
  /** Null when mail is off: no event is queued for mail. */
  mailEveryNthFailure: number | null;
}

/**
 * Turns new outbox events into work: a pending delivery per subscribed webhook and a mail mark.
 * Each event's fan-out commits in one transaction with its `dispatchedAt`, so it happens exactly
 * once even when dispatchers crash or race (a lost claim rolls nothing in).
 */
export async function fanOut(deps: FanOutDeps, limit = 100): Promise<number> {
  const events = await claimUndispatched(deps.db, deps.owner, {
    limit,
    leaseMs: deps.leaseMs,
    now: deps.clock(),
  });
  if (events.length === 0) return 0;
  const webhooks = await listEnabledWebhooks(deps.db);
  for (const event of events) {
    await deps.db.transaction().execute(async (trx) => {
      const nth = deps.mailEveryNthFailure;
      const mail = nth !== null && event.customerId !== null && isMailWorthy(event, nth) ? 'pending' : null;
      if (!(await markDispatched(trx, event.id, deps.owner, mail, deps.clock()))) return;
      const targets = webhooks.filter((w) => subscribes(w, event)).map((w) => w.id);
      await queueDeliveries(trx, event, targets, deps.clock());
    });
  }
  return events.length;
}

/** A webhook takes an event when it lists its type (or `*`) and is for all customers or this one. */
export function subscribes(
  webhook: Pick<Webhook, 'events' | 'customerId'>,
  event: Pick<OutboxEvent, 'type' | 'customerId'>,
) {
  const typeMatches = webhook.events.includes('*') || webhook.events.includes(event.type);
  return typeMatches && (webhook.customerId === null || webhook.customerId === event.customerId);
}
