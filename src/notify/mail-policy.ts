import type { OutboxEvent } from '../db/outbox.repository.js';

/**
 * Which events are worth a mail (issue 6): the first failure after a success, every Nth failure
 * in a row, a held mass delete, an automatic pause, and recovery. Everything else (starts,
 * completions, the 2nd-4th failure, a pause by a person) only reaches webhooks and the dashboard.
 */
export function isMailWorthy(event: Pick<OutboxEvent, 'type' | 'payload'>, everyNthFailure: number): boolean {
  switch (event.type) {
    case 'sync.failed': {
      const attempt = Number(event.payload.attempt);
      return attempt === 1 || attempt % everyNthFailure === 0;
    }
    case 'sync.needs_review':
    case 'customer.recovered':
      return true;
    case 'customer.paused':
      return event.payload.reason === 'automatic';
    default:
      return false;
  }
}
