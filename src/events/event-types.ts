import type { ChangeOp, RunOutcome, RunTrigger, SyncPhase } from '../db/database.js';
import type { ChangeJson } from '../feed/change-json.js';
import type { HeaderChanges } from '../sheet/header-changes.js';

/**
 * leadsync's one event vocabulary, in two kinds:
 * - stored events (EVENT_TYPES): the facts, written to the outbox in the transaction of the change
 *   that caused them, with a unique id receivers de-duplicate on; what webhooks receive, what mails
 *   are made of and what the dashboard lists;
 * - live events (LiveEvent, below): what the bus carries between processes right away, mostly
 *   echoes of a stored fact, plus the ephemeral progress.
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

/** A stored event, as the outbox holds it. */
export type StoredEvent = {
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

/** A running sync's progress (CONTRACT.md "Progress"). */
export interface SyncProgress {
  /** 0-100, never goes down during a run. */
  percent: number;
  phase: SyncPhase;
  message: string;
}

/**
 * Live: what the event bus tells the processes' listeners (SSE clients, caches, a worker running
 * a customer that was just paused), never stored. Most announce, the moment they happen, a fact
 * the outbox records durably (named beside each); `progress`, `queued` and `customer-deleted`
 * are live only. Small and JSON-safe, because on PostgreSQL each one travels as a NOTIFY
 * payload (8,000 bytes at most) to every API and worker process. The SSE stream
 * (`/api/leads/sync/events`) sends them as they are, named by `type`.
 */
export type LiveEvent =
  /** Ephemeral: a running sync's bar (persisted at most once a second, never an outbox event). */
  | { type: 'progress'; customerId: string; progress: SyncProgress }
  /** Live echo of `sync.started`. */
  | { type: 'run-started'; customerId: string; trigger: RunTrigger; workerId: string }
  /** Live echo of the run's ending (`sync.completed`, `sync.failed`, `sync.needs_review`; cancelled runs have none). */
  | { type: 'run-finished'; customerId: string; runId: string; outcome: RunOutcome }
  | { type: 'queued'; customerId: string; trigger: RunTrigger }
  /** Live echo of `customer.paused`. */
  | { type: 'paused'; customerId: string; reason: string }
  /** Live echo of `customer.resumed`. */
  | { type: 'resumed'; customerId: string }
  /** A commit changed the customer's leads (a sync's echoes `leads.changed`; a CRM edit too): caches are stale. */
  | { type: 'leads-changed'; customerId: string }
  | { type: 'customer-deleted'; customerId: string };
