import type { RunOutcome, RunTrigger } from '../db/database.js';
import type { SyncProgress } from '../sync/progress.js';

/**
 * What the service tells its listeners (SSE clients, caches, a worker running a customer that
 * was just paused). Small and JSON-safe, because on PostgreSQL each one travels as a NOTIFY
 * payload (8,000 bytes at most) to every API and worker process.
 */
export type LeadsyncEvent =
  | { type: 'progress'; customerId: string; progress: SyncProgress }
  | { type: 'run-started'; customerId: string; trigger: RunTrigger; workerId: string }
  | { type: 'run-finished'; customerId: string; runId: string; outcome: RunOutcome }
  | { type: 'queued'; customerId: string; trigger: RunTrigger }
  | { type: 'paused'; customerId: string; reason: string }
  | { type: 'resumed'; customerId: string }
  /** A commit changed the customer's leads: cached counts and pages are stale. */
  | { type: 'leads-changed'; customerId: string }
  | { type: 'customer-deleted'; customerId: string };

export type EventListener = (event: LeadsyncEvent) => void;

/** Publish/subscribe across the processes that share a database (see createEventBus). */
export interface EventBus {
  /** Delivers to every subscriber in every process; never throws (events are advisory). */
  publish(event: LeadsyncEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  close(): Promise<void>;
}

const TYPES = new Set([
  'progress',
  'run-started',
  'run-finished',
  'queued',
  'paused',
  'resumed',
  'leads-changed',
  'customer-deleted',
]);

/** Parses a payload from another process; null for anything that is not one of our events. */
export function parseEvent(payload: string): LeadsyncEvent | null {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value !== 'object' || value === null) return null;
    const { type, customerId } = value as Record<string, unknown>;
    if (typeof type !== 'string' || !TYPES.has(type) || typeof customerId !== 'string') return null;
    return value as LeadsyncEvent;
  } catch {
    return null;
  }
}
