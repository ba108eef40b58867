import type { ChangeOp } from '../db/database.js';
import type { ChangeJson } from '../feed/change-json.js';
import type { HeaderChanges } from './header-changes.js';

/**
 * The one event model of notifications: what webhooks receive, what mails are made of and what
 * the dashboard lists. Each event is written to the outbox in the transaction of the change that
 * caused it, with a unique id receivers de-duplicate on.
 */
export const EVENT_TYPES = [
  'sync.started',
  'sync.completed',
  'sync.failed',
  'sync.needs_review',
  'customer.paused',
  'customer.resumed',
  'customer.recovered',
  'sheet.headers_changed',
  'leads.changed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Sent by `POST /api/webhooks/:id/test` only; never written by a state change. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** Who paused or resumed: a person (API/CLI) or the worker after repeated failures. */
export type ChangeReason = 'person' | 'automatic';

export interface RunFiguresPayload {
  rowsProcessed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  rowsUnchanged: number;
  durationMs: number;
}

export interface EventPayloads {
  'sync.started': { runId: string; trigger: string; startedAt: string };
  'sync.completed': {
    runId: string;
    outcome: 'success' | 'unchanged';
    leadsChanged: boolean;
    figures: RunFiguresPayload;
  };
  'sync.failed': {
    runId: string;
    error: { code: string; message: string };
    /** Consecutive failed runs, this one included. */
    attempt: number;
    /** When the customer's syncs started failing (the first of the consecutive failures). */
    failingSince: string;
  };
  'sync.needs_review': { runId: string; pendingDeletes: number; liveLeads: number | null };
  'customer.paused': { reason: ChangeReason; message: string };
  'customer.resumed': { reason: ChangeReason };
  'customer.recovered': { runId: string; failedRuns: number; failingSince: string | null };
  /** Lists of at most 100 names of at most 200 characters; `*Omitted` count the names left out. */
  'sheet.headers_changed': { runId: string } & HeaderChanges;
  /**
   * A run that changed leads committed: its changes are those of the feed after `fromCursor` up
   * to and including `toCursor`; the first LEADS_CHANGED_INLINE of them ride along.
   */
  'leads.changed': {
    runId: string;
    counts: Record<ChangeOp, number>;
    fromCursor: string;
    toCursor: string;
    changes: ChangeJson[];
    /** Changes of the run not inlined (fetch them from the feed). */
    changesOmitted: number;
  };
}

export type NotifyEvent = {
  [T in EventType]: { id: string; type: T; customerId: string; payload: EventPayloads[T]; createdAt: string };
}[EventType];

/** An event before it has an id and time (what the producers build). */
export type NewEvent = {
  [T in EventType]: { type: T; customerId: string; payload: EventPayloads[T] };
}[EventType];

/** The event `POST /api/webhooks/:id/test` sends (stored like the others, never fanned out). */
export interface TestEvent {
  type: typeof TEST_EVENT_TYPE;
  customerId: null;
  payload: { webhookId: string; message: string };
}

/** The JSON body a webhook receives: the event itself. */
export interface WebhookBody {
  id: string;
  type: string;
  customerId: string | null;
  createdAt: string;
  data: unknown;
}

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
