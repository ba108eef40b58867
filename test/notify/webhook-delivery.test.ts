import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { listDeliveries } from '../../src/db/webhook-deliveries.repository.js';
import { createWebhook, findWebhook, type WebhookWithSecret } from '../../src/db/webhooks.repository.js';
import { LeadsyncError } from '../../src/errors.js';
import { NotifyDispatcher } from '../../src/notify/dispatcher.js';
import { createSecretBox } from '../../src/db/secret-box.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';
import {
  fakeSheetCustomer,
  HOUR,
  ManualClock,
  notifyConfig,
  startReceiver,
  type Receiver,
} from './support.js';

/** The README's recipe, word for word: what a receiver does with the headers and the raw body. */
function verify(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  now: number,
) {
  const timestamp = String(headers['x-leadsync-timestamp']);
  const signature = String(headers['x-leadsync-signature']);
  if (Math.abs(now / 1000 - Number(timestamp)) > 300) return false;
  const expected = 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return (
    expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
  );
}

describeEachDialect('webhook deliveries', (dialect) => {
  const t = useTestDatabase(dialect);
  // 1 s base, 1 h cap; jitter fixed at its top, so the delays are exactly 1 s, 2 s, 4 s, …
  const config = notifyConfig({ LEADSYNC_WEBHOOK_RETRY_BASE_MS: '1000' });
  let clock: ManualClock;
  let receiver: Receiver;
  let webhook: WebhookWithSecret;
  let n = 0;
  beforeEach(async () => {
    clock = new ManualClock(new Date(Date.UTC(2026, 2, 2 + n)));
    receiver = await startReceiver();
    webhook = await createWebhook(
      t.db,
      {
        url: receiver.url,
        events: ['sync.failed'],
        customerId: null,
        enabled: true,
        secret: `whsec_test_${n}`,
      },
      clock.read(),
      createSecretBox(null),
    );
  });
  afterEach(async () => {
    n++;
    await receiver.close();
  });
  const dispatcher = () =>
    new NotifyDispatcher({ db: t.db, config, clock: clock.read, random: () => 0.9999999, mail: null });
  let customers = 0;
  const failOnce = async () => {
    const sheet = await fakeSheetCustomer(t, config, clock, `Customer ${++customers}`);
    sheet.set(new LeadsyncError('SHEET_NOT_FOUND'));
    return sheet.sync();
  };

  it('signs each delivery so that the documented recipe verifies it', async () => {
    const run = await failOnce();
    await dispatcher().runOnce();
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-leadsync-event']).toBe('sync.failed');
    expect(verify(webhook.secret, request!.headers, request!.body, clock.read().getTime())).toBe(true);
    expect(verify('another secret', request!.headers, request!.body, clock.read().getTime())).toBe(false);
    expect(verify(webhook.secret, request!.headers, `${request!.body} `, clock.read().getTime())).toBe(false);
    expect(JSON.parse(request!.body)).toMatchObject({
      id: request!.headers['x-leadsync-delivery'],
      type: 'sync.failed',
      data: { runId: run.id, attempt: 1, error: { code: 'SHEET_NOT_FOUND' } },
    });
  });

  it('retries with exponential backoff until the receiver takes it, with the same delivery id', async () => {
    receiver.plan.splice(0, receiver.plan.length, 500, 503, 404, 200);
    await failOnce();
    const d = dispatcher();
    await d.runOnce();
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [pending] = await listDeliveries(t.db, webhook.id, 1);
      expect(pending).toMatchObject({ state: 'pending', attempt: i + 1 });
      const wait = Date.parse(pending!.nextAttemptAt!) - clock.read().getTime();
      waits.push(wait);
      clock.advance(wait - 1);
      await d.runOnce(); // not due yet
      expect(receiver.requests).toHaveLength(i + 1);
      clock.advance(1);
      await d.runOnce();
    }
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(receiver.requests.map((r) => r.headers['x-leadsync-delivery'])).toEqual(
      Array(4).fill(receiver.requests[0]!.headers['x-leadsync-delivery']),
    );
    const [done] = await listDeliveries(t.db, webhook.id, 1);
    expect(done).toMatchObject({
      state: 'delivered',
      attempt: 4,
      statusCode: 200,
      error: null,
      nextAttemptAt: null,
    });
    expect((await findWebhook(t.db, webhook.id, createSecretBox(null)))?.failingSince).toBeNull();
  });

  it('gives up after 24 hours and disables a webhook that failed continuously for a day', async () => {
    receiver.plan.splice(0, receiver.plan.length, 500);
    await failOnce();
    const started = clock.read().getTime();
    const d = dispatcher();
    await d.runOnce();
    for (let i = 0; i < 100; i++) {
      const [delivery] = await listDeliveries(t.db, webhook.id, 1);
      if (delivery!.state !== 'pending') break;
      clock.set(delivery!.nextAttemptAt!);
      await d.runOnce();
    }
    const [delivery] = await listDeliveries(t.db, webhook.id, 1);
    expect(delivery).toMatchObject({ state: 'failed', statusCode: 500 });
    expect(clock.read().getTime() - started).toBeLessThanOrEqual(24 * HOUR);
    const after = await findWebhook(t.db, webhook.id, createSecretBox(null));
    expect(after).toMatchObject({ enabled: false });
    expect(after?.disabledReason).toMatch(/failed for 24 hours/);
    // Disabled: a new event is not even queued for it.
    const count = receiver.requests.length;
    await failOnce();
    clock.advance(HOUR);
    await d.runOnce();
    expect(receiver.requests).toHaveLength(count);
  });

  it('delivers each event once when several dispatchers run at the same time', async () => {
    for (let i = 0; i < 5; i++) await failOnce();
    const dispatchers = [dispatcher(), dispatcher(), dispatcher()];
    await Promise.all(dispatchers.map((d) => d.runOnce()));
    await Promise.all(dispatchers.map((d) => d.runOnce()));
    const ids = receiver.requests.map((r) => r.headers['x-leadsync-delivery']);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
  });
});
