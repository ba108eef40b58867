import { EventEmitter } from 'node:events';
import type { EventBus, EventListener } from './event-bus.js';
import type { LiveEvent } from './event-types.js';

/**
 * Delivery inside one process. Listeners run synchronously but a throwing one never reaches
 * the publisher: a broken SSE connection must not fail a sync.
 */
export class LocalEventBus implements EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open SSE connection is one listener; hundreds are normal, not a leak.
    this.emitter.setMaxListeners(0);
  }

  publish(event: LiveEvent): void {
    this.deliver(event);
  }

  /** Hands an event to this process's subscribers (the PostgreSQL bus calls it on NOTIFY). */
  deliver(event: LiveEvent): void {
    for (const listener of this.emitter.listeners('event') as EventListener[]) {
      try {
        listener(event);
      } catch {
        // See the class comment.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  onGap(): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
