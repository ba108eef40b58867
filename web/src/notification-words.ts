import type { Notification } from '../client/index.js';
import { count, errorWords } from './format.js';

export type NoticeKind = 'error' | 'warning' | 'info';

/** A notification (from `GET /api/notifications`) as a title and a sentence. */
export function notificationWords(
  n: Pick<Notification, 'type' | 'payload'>,
  who: string,
): { kind: NoticeKind; title: string; text: string } {
  const p = n.payload;
  switch (n.type) {
    case 'sync.failed': {
      const error = p.error as { code?: string; message?: string } | undefined;
      const code = error?.code;
      const attempt = typeof p.attempt === 'number' && p.attempt > 1 ? ` (${count(p.attempt)} in a row)` : '';
      return {
        kind: 'error',
        title: `Sync failed: ${who}.`,
        text: code
          ? `${code}: ${errorWords(code, error.message ?? '')}${attempt}`
          : `See the run history.${attempt}`,
      };
    }
    case 'sync.needs_review':
      return {
        kind: 'warning',
        title: `Mass delete held: ${who}.`,
        text: `It would delete ${count(Number(p.pendingDeletes ?? 0))} leads. Review the run and approve it if the deletions are intended.`,
      };
    case 'customer.paused':
      return {
        kind: 'warning',
        title: `Paused: ${who}.`,
        text:
          p.reason === 'automatic'
            ? `Paused after repeated failures. ${typeof p.message === 'string' ? p.message : ''}`
            : 'Paused by a person.',
      };
    case 'customer.resumed':
      return { kind: 'info', title: `Resumed: ${who}.`, text: 'Syncing again on its schedule.' };
    case 'customer.recovered':
      return {
        kind: 'info',
        title: `Recovered: ${who}.`,
        text: `Synced again after ${count(Number(p.failedRuns ?? 0))} failed runs.`,
      };
    case 'sheet.headers_changed': {
      const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.map(String).join(', ') : null);
      const added = list(p.added);
      const removed = list(p.removed);
      return {
        kind: 'info',
        title: `Columns changed: ${who}.`,
        text: [added && `Added ${added}.`, removed && `Removed ${removed}.`].filter(Boolean).join(' '),
      };
    }
    default:
      return { kind: 'info', title: `${n.type}: ${who}.`, text: '' };
  }
}

/** Customers whose latest notification is a failure or a held delete: what a banner shows on load. */
export function stillFailing(list: Notification[]): Notification[] {
  const seen = new Set<string>();
  const out: Notification[] = [];
  for (const n of list) {
    const key = n.customerId ?? '';
    if (seen.has(key)) continue;
    // Pauses, resumes and column changes do not end a failure; a recovery or a later success does.
    if (n.type === 'customer.recovered') seen.add(key);
    if (n.type !== 'sync.failed' && n.type !== 'sync.needs_review') continue;
    seen.add(key);
    if (!n.read) out.push(n);
  }
  return out;
}
