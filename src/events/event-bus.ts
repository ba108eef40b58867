import type { LiveEvent } from './event-types.js';

export type EventListener = (event: LiveEvent) => void;

/** Publish/subscribe across the processes that share a database (see createEventBus). */
export interface EventBus {
  /** Delivers to every subscriber in every process; never throws (events are advisory). */
  publish(event: LiveEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /**
   * Calls `listener` when events may have been lost (the PostgreSQL bus's connection dropped):
   * what a subscriber concluded from earlier events (a sync still running) may be stale. Returns
   * the unsubscribe function. The in-process bus loses nothing and never calls it.
   */
  onGap(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Every LiveEvent type, to tell our NOTIFY payloads from anything else on the channel. */
const TYPES = new Set<string>([
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
export function parseEvent(payload: string): LiveEvent | null {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value !== 'object' || value === null) return null;
    const { type, customerId } = value as Record<string, unknown>;
    if (typeof type !== 'string' || !TYPES.has(type) || typeof customerId !== 'string') return null;
    return value as LiveEvent;
  } catch {
    return null;
  }
}
