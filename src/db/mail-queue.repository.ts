import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { toOutboxEvent, type OutboxEvent } from './outbox.repository.js';

/**
 * The mail side of the outbox: events marked `pending` wait here until their customer's quiet
 * period allows the next mail, which then carries all of them.
 */

/** Customers with events waiting for a mail (or whose mail a dead dispatcher left `sending`). */
export async function customersWithPendingMail(db: Kysely<Database>, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox_events')
    .select('customerId')
    .distinct()
    .where('customerId', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('mailState', '=', 'pending'),
        eb.and([eb('mailState', '=', 'sending'), eb('claimExpiresAt', '<=', now.toISOString())]),
      ]),
    )
    .execute();
  return rows.flatMap((r) => (r.customerId === null ? [] : [r.customerId]));
}

/** When the customer was last mailed, or null. */
export async function lastMailedAt(db: Kysely<Database>, customerId: string): Promise<string | null> {
  const row = await db
    .selectFrom('outbox_events')
    .select((eb) => eb.fn.max('mailedAt').as('last'))
    .where('customerId', '=', customerId)
    .where('mailState', '=', 'sent')
    .executeTakeFirst();
  return row?.last ?? null;
}

/**
 * Takes the customer's waiting events for one mail. A conditional UPDATE, so of two dispatchers
 * only one gets them (PostgreSQL re-checks the condition on rows it waited for).
 */
export async function claimPendingMail(
  db: Kysely<Database>,
  customerId: string,
  owner: string,
  options: { leaseMs: number; now: Date },
): Promise<OutboxEvent[]> {
  const rows = await db
    .updateTable('outbox_events')
    .set({
      mailState: 'sending',
      claimedBy: owner,
      claimExpiresAt: new Date(options.now.getTime() + options.leaseMs).toISOString(),
    })
    .where('customerId', '=', customerId)
    .where((eb) =>
      eb.or([
        eb('mailState', '=', 'pending'),
        eb.and([eb('mailState', '=', 'sending'), eb('claimExpiresAt', '<=', options.now.toISOString())]),
      ]),
    )
    .returningAll()
    .execute();
  return rows.map(toOutboxEvent).sort((a, b) => a.id.localeCompare(b.id));
}

/** Ends a claim: `sent` or `skipped` (nobody to tell). */
export async function finishMail(
  db: Kysely<Database>,
  eventIds: readonly string[],
  state: 'sent' | 'skipped',
  now: Date,
): Promise<void> {
  if (eventIds.length === 0) return;
  await db
    .updateTable('outbox_events')
    .set({
      mailState: state,
      claimedBy: null,
      claimExpiresAt: null,
      mailedAt: now.toISOString(),
    })
    .where('id', 'in', eventIds)
    .execute();
}

/** The customer's name and own recipients (null: use the default list). */
export async function mailTargetOf(
  db: Kysely<Database>,
  customerId: string,
): Promise<{ name: string; notifyEmails: string[] | null } | undefined> {
  const row = await db
    .selectFrom('customers')
    .select(['name', 'notifyEmails'])
    .where('id', '=', customerId)
    .executeTakeFirst();
  return (
    row && {
      name: row.name,
      notifyEmails: row.notifyEmails === null ? null : (JSON.parse(row.notifyEmails) as string[]),
    }
  );
}

/** Sets (or with null clears) a customer's own recipients. */
export async function setNotifyEmails(db: Kysely<Database>, customerId: string, emails: string[] | null) {
  await db
    .updateTable('customers')
    .set({ notifyEmails: emails === null ? null : JSON.stringify(emails) })
    .where('id', '=', customerId)
    .execute();
}
