import type { OutboxEvent } from '../db/outbox.repository.js';
import { ERROR_CODES, type ErrorCode } from '../errors.js';

export interface MailContent {
  subject: string;
  text: string;
}

/**
 * One mail about one customer, from the events that waited for it (oldest first). The subject
 * tells the latest news; the body lists what broke, since when, the error code in plain words,
 * and the link to the customer's page.
 */
export function composeMail(
  customer: { id: string; name: string },
  events: readonly OutboxEvent[],
  publicUrl: string,
): MailContent {
  const latest = events.at(-1);
  const link = `${publicUrl}/#/customers/${customer.id}`;
  const lines = events.map(describe);
  const text = [
    `What happened with the sheet sync of ${customer.name}:`,
    '',
    ...lines.map((l) => `- ${l}`),
    '',
    `Customer page: ${link}`,
    '',
    'You get at most one mail per customer per quiet period; later news is grouped into the next one.',
  ].join('\n');
  return { subject: `[leadsync] ${customer.name}: ${latest ? headline(latest) : 'notifications'}`, text };
}

function headline(event: OutboxEvent): string {
  const p = event.payload;
  switch (event.type) {
    case 'customer.recovered':
      return 'syncing works again';
    case 'customer.paused':
      return 'syncing was paused after repeated failures';
    case 'sync.needs_review':
      return `a sync would delete ${count(p.pendingDeletes, 'lead')} and waits for approval`;
    case 'sync.failed':
      return `syncing fails since ${when(p.failingSince)} (${errorOf(p).code})`;
    default:
      return event.type;
  }
}

function describe(event: OutboxEvent): string {
  const p = event.payload;
  const at = when(event.createdAt);
  switch (event.type) {
    case 'sync.failed': {
      const { code, message } = errorOf(p);
      return `${at}: sync failed (${ordinal(Number(p.attempt))} failure in a row, failing since ${when(p.failingSince)}). ${code}: ${plain(code)}. Details: ${message}`;
    }
    case 'sync.needs_review':
      return `${at}: a sync would delete ${String(p.pendingDeletes)} of ${count(p.liveLeads, 'lead')}; nothing was deleted. Approve the run on the customer page if the sheet is right.`;
    case 'customer.paused':
      return `${at}: syncing was paused automatically. ${String(p.message)}. Resume it on the customer page once the sheet is fixed.`;
    case 'customer.recovered':
      return `${at}: the sync works again after ${count(p.failedRuns, 'failed run')}${p.failingSince ? ` (failing since ${when(p.failingSince)})` : ''}.`;
    default:
      return `${at}: ${event.type}`;
  }
}

function errorOf(payload: Record<string, unknown>): { code: string; message: string } {
  const error = payload.error as { code?: unknown; message?: unknown } | undefined;
  const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);
  return { code: text(error?.code, 'INTERNAL'), message: text(error?.message, '') };
}

/** The error code in plain words (the message every code is documented with). */
function plain(code: string): string {
  return code in ERROR_CODES ? ERROR_CODES[code as ErrorCode].message : 'Unexpected error';
}

function when(value: unknown): string {
  const date = new Date(String(value));
  return Number.isFinite(date.getTime())
    ? `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
    : 'unknown';
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function count(value: unknown, noun: string): string {
  const n = Number(value);
  return Number.isFinite(n) ? `${n} ${noun}${n === 1 ? '' : 's'}` : `? ${noun}s`;
}
