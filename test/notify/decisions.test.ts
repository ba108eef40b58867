import { describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../src/db/outbox.repository.js';
import { DELIVERY_GIVE_UP_MS, nextDeliveryAttempt } from '../../src/notify/delivery-schedule.js';
import { subscribes } from '../../src/notify/fan-out.js';
import { headerChanges } from '../../src/sheet/header-changes.js';
import { composeMail } from '../../src/notify/mail-message.js';
import { isMailWorthy } from '../../src/notify/mail-policy.js';
import { signPayload, verifySignature } from '../../src/notify/signature.js';

const policy = { baseMs: 30_000, maxMs: 3_600_000 };
const t0 = new Date('2026-03-02T00:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const event = (type: string, payload: Record<string, unknown>): OutboxEvent => ({
  id: '019cadc6-9a80-7949-8c96-934fdf80a2d4',
  type,
  customerId: 'c1',
  payload,
  createdAt: t0.toISOString(),
});

describe('delivery retry schedule', () => {
  it('doubles the delay from 30 s up to the 1 h cap, with half of it jittered', () => {
    const top = (n: number) =>
      nextDeliveryAttempt(n, t0, t0, policy, () => 0.9999999)!.getTime() - t0.getTime();
    expect([1, 2, 3, 4, 8, 20].map(top)).toEqual([30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
    const low = nextDeliveryAttempt(3, t0, t0, policy, () => 0)!.getTime() - t0.getTime();
    expect(low).toBe(60_000);
  });

  it('makes the last try exactly 24 h after queueing, then gives up', () => {
    const nearEnd = at(DELIVERY_GIVE_UP_MS - 10_000);
    expect(nextDeliveryAttempt(20, t0, nearEnd, policy, () => 0.5)).toEqual(at(DELIVERY_GIVE_UP_MS));
    expect(nextDeliveryAttempt(21, t0, at(DELIVERY_GIVE_UP_MS), policy, () => 0.5)).toBeNull();
  });
});

describe('mail policy', () => {
  const failed = (attempt: number) => event('sync.failed', { attempt });
  it('mails the first failure and every Nth in a row, nothing in between', () => {
    const mailed = [1, 2, 3, 4, 5, 6, 9, 10, 15].filter((n) => isMailWorthy(failed(n), 5));
    expect(mailed).toEqual([1, 5, 10, 15]);
  });
  it('mails held deletes, automatic pauses and recoveries, but not a pause by a person or a success', () => {
    expect(isMailWorthy(event('sync.needs_review', {}), 5)).toBe(true);
    expect(isMailWorthy(event('customer.recovered', {}), 5)).toBe(true);
    expect(isMailWorthy(event('customer.paused', { reason: 'automatic' }), 5)).toBe(true);
    expect(isMailWorthy(event('customer.paused', { reason: 'person' }), 5)).toBe(false);
    expect(isMailWorthy(event('sync.completed', {}), 5)).toBe(false);
  });
  it('writes the error code in plain words and links the customer page', () => {
    const mail = composeMail(
      { id: 'c1', name: 'Acme' },
      [
        event('sync.failed', {
          attempt: 1,
          failingSince: t0.toISOString(),
          error: { code: 'SHEET_NOT_FOUND', message: 'gone' },
        }),
      ],
      'https://ls.example',
    );
    expect(mail.subject).toBe('[leadsync] Acme: syncing fails since 2026-03-02 00:00 UTC (SHEET_NOT_FOUND)');
    expect(mail.text).toContain('SHEET_NOT_FOUND: The spreadsheet does not exist or was deleted');
    expect(mail.text).toContain('https://ls.example/#/customers/c1');
  });
});

describe('header changes', () => {
  it('reports added and removed columns, ignoring case and punctuation', () => {
    expect(headerChanges(['Name', 'E-mail'], ['name', 'Email', 'Phone'])).toEqual({
      added: ['Phone'],
      removed: [],
      headers: ['name', 'Email', 'Phone'],
      addedOmitted: 0,
      removedOmitted: 0,
      headersOmitted: 0,
    });
    expect(headerChanges(['Name', 'Company'], ['Name', 'Firm'])).toMatchObject({
      added: ['Firm'],
      removed: ['Company'],
    });
    expect(headerChanges(['Name'], ['NAME'])).toBeNull();
    expect(headerChanges(null, ['Name'])).toBeNull();
  });

  it('lists at most 100 names of at most 200 characters, and counts the rest', () => {
    const long = Array.from({ length: 250 }, (_, i) => `${i} ${'x'.repeat(50_000)}`);
    const changes = headerChanges(['Name'], long);
    expect(changes).toMatchObject({ addedOmitted: 150, removedOmitted: 0, headersOmitted: 150 });
    expect(changes?.added).toHaveLength(100);
    expect(changes?.headers).toHaveLength(100);
    expect(changes?.removed).toEqual(['Name']);
    expect(changes?.added[0]).toBe(`0 ${'x'.repeat(197)}…`);
    expect(Math.max(...(changes?.headers ?? []).map((h) => h.length))).toBe(200);
    expect(JSON.stringify(changes).length).toBeLessThan(50_000);
  });
});

describe('webhook subscriptions and signatures', () => {
  it('matches by type (or *) and by customer', () => {
    const e = { type: 'sync.failed', customerId: 'c1' };
    expect(subscribes({ events: ['*'], customerId: null }, e)).toBe(true);
    expect(subscribes({ events: ['sync.failed'], customerId: 'c1' }, e)).toBe(true);
    expect(subscribes({ events: ['sync.failed'], customerId: 'c2' }, e)).toBe(false);
    expect(subscribes({ events: ['sync.completed'], customerId: null }, e)).toBe(false);
  });
  it('verifies a fresh signature and rejects a stale or altered one', () => {
    const signature = signPayload('whsec_x', 1_700_000_000, '{"a":1}');
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    const headers = { timestamp: '1700000000', signature };
    expect(verifySignature('whsec_x', headers, '{"a":1}', 1_700_000_100)).toBe(true);
    expect(verifySignature('whsec_x', headers, '{"a":2}', 1_700_000_100)).toBe(false);
    expect(verifySignature('whsec_x', headers, '{"a":1}', 1_700_000_400)).toBe(false);
  });
});
