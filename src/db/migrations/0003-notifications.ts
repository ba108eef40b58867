import type { Kysely } from 'kysely';
import { traitsOf } from '../dialect.js';

/**
 * Notifications (issue 6): the outbox every event is written to in the transaction of the change
 * that caused it, the webhooks and their deliveries, the dashboard's read marker, and each
 * customer's own mail recipients. Outbox rows carry no foreign key to customers: an event about a
 * customer that was deleted since must still be delivered.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { columnTypes: t, flagOff } = traitsOf(db);
  await db.schema
    .createTable('outbox_events')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('customerId', 'text')
    .addColumn('payload', t.json, (c) => c.notNull())
    .addColumn('createdAt', t.timestamp, (c) => c.notNull())
    // Null until a dispatcher has fanned the event out (webhook deliveries, mail queue) and committed.
    .addColumn('dispatchedAt', t.timestamp)
    .addColumn('claimedBy', 'text')
    .addColumn('claimExpiresAt', t.timestamp)
    // null (no mail), pending, sending (claimed by a mailer), sent or skipped (nobody to tell).
    .addColumn('mailState', 'text')
    .addColumn('mailedAt', t.timestamp)
    .execute();
  await db.schema
    .createIndex('outbox_events_dispatchedAt_idx')
    .on('outbox_events')
    .column('dispatchedAt')
    .execute();
  await db.schema
    .createIndex('outbox_events_mail_idx')
    .on('outbox_events')
    .columns(['mailState', 'customerId'])
    .execute();
  await db.schema
    .createIndex('outbox_events_customerId_idx')
    .on('outbox_events')
    .columns(['customerId', 'id'])
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', t.json, (c) => c.notNull())
    .addColumn('customerId', 'text', (c) => c.references('customers.id').onDelete('cascade'))
    .addColumn('enabled', t.flag, (c) => c.notNull().defaultTo(typeof flagOff === 'boolean' ? true : 1))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('disabledReason', 'text')
    .addColumn('failingSince', t.timestamp)
    .addColumn('createdAt', t.timestamp, (c) => c.notNull())
    .addColumn('updatedAt', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('webhookId', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('eventId', 'text', (c) => c.notNull().references('outbox_events.id').onDelete('cascade'))
    .addColumn('eventType', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('statusCode', 'integer')
    .addColumn('latencyMs', 'integer')
    .addColumn('error', 'text')
    // Also the claim: a dispatcher sending it pushes this past the send's timeout.
    .addColumn('nextAttemptAt', t.timestamp)
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('createdAt', t.timestamp, (c) => c.notNull())
    .addColumn('updatedAt', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('webhook_deliveries_webhook_event_unique', ['webhookId', 'eventId'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due_idx')
    .on('webhook_deliveries')
    .columns(['state', 'nextAttemptAt'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_webhookId_idx')
    .on('webhook_deliveries')
    .columns(['webhookId', 'id'])
    .execute();

  await db.schema
    .createTable('notification_reads')
    .addColumn('reader', 'text', (c) => c.primaryKey().notNull())
    .addColumn('lastReadId', 'text', (c) => c.notNull())
    .addColumn('updatedAt', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema.alterTable('customers').addColumn('notifyEmails', t.json).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('customers').dropColumn('notifyEmails').execute();
  await db.schema.dropTable('notification_reads').execute();
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhooks').execute();
  await db.schema.dropTable('outbox_events').execute();
}
