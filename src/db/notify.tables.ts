import type { ColumnType, Selectable } from 'kysely';

/**
 * The tables migration 0003-notifications adds (part of `Database`, database.ts). Same
 * conventions as database.ts (ISO text timestamps, JSON as text, flags as 0/1).
 */
type Timestamp = ColumnType<string, string, string>;
type JsonText = ColumnType<string, string, string>;

export type MailState = 'pending' | 'sending' | 'sent' | 'skipped';
export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface OutboxEventsTable {
  id: string;
  type: string;
  customerId: string | null;
  payload: JsonText;
  createdAt: Timestamp;
  dispatchedAt: Timestamp | null;
  claimedBy: string | null;
  claimExpiresAt: Timestamp | null;
  mailState: MailState | null;
  mailedAt: Timestamp | null;
}

export interface WebhooksTable {
  id: string;
  url: string;
  /** JSON array of event types (`*` = all). */
  events: JsonText;
  customerId: string | null;
  enabled: number;
  secret: string;
  disabledReason: string | null;
  failingSince: Timestamp | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
  nextAttemptAt: Timestamp | null;
  state: DeliveryState;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface NotificationReadsTable {
  /** `admin` or `customer:<id>`: whose marker it is. */
  reader: string;
  lastReadId: string;
  updatedAt: Timestamp;
}

export type OutboxEventRow = Selectable<OutboxEventsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
