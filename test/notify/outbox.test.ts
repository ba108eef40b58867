import { afterAll, beforeAll, expect, it } from 'vitest';
import { claimUndispatched } from '../../src/db/outbox.repository.js';
import { claimDueCustomers } from '../../src/db/scheduler.repository.js';
import { endClaimWithEvents } from '../../src/notify/customer-events.js';
import { startRun } from '../../src/sync/run-events.js';
import { createWebhook } from '../../src/db/webhooks.repository.js';
import { LeadsyncError } from '../../src/errors.js';
import { NotifyDispatcher } from '../../src/notify/dispatcher.js';
import { createSecretBox } from '../../src/db/secret-box.js';
import { recordEnding, NO_FIGURES } from '../../src/sync/run-ending.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';
import { fakeSheetCustomer, ManualClock, notifyConfig, startReceiver, type Receiver } from './support.js';

describeEachDialect('notification outbox', (dialect) => {
  const t = useTestDatabase(dialect);
  const config = notifyConfig();
  const clock = new ManualClock();
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver([200]);
    await createWebhook(
      t.db,
      { url: receiver.url, events: ['*'], customerId: null, enabled: true, secret: 's3cret' },
      clock.read(),
      createSecretBox(null),
    );
  });
  afterAll(async () => receiver?.close());

  const events = async (customerId?: string) => {
    let query = t.db.selectFrom('outbox_events').select(['id', 'type', 'payload', 'dispatchedAt']);
    if (customerId !== undefined) query = query.where('customerId', '=', customerId);
    return query.orderBy('id').execute();
  };
  const dispatcher = (owner: string) =>
    new NotifyDispatcher({ db: t.db, config, clock: clock.read, owner, mail: null });

  it('commits sync.started and sync.completed with the run; a dispatcher started after a "crash" delivers each once', async () => {
    const sheet = await fakeSheetCustomer(t, config, clock);
    const run = await sheet.sync();
    expect(run.outcome).toBe('success');
    // The worker "died" right after the commit: no dispatcher ran, the events wait in the outbox.
    const stored = await events();
    expect(stored.map((e) => e.type)).toEqual(['sync.started', 'sync.completed', 'leads.changed']);
    expect(stored.every((e) => e.dispatchedAt === null)).toBe(true);
    expect(JSON.parse(stored[1]!.payload)).toMatchObject({
      runId: run.id,
      outcome: 'success',
      leadsChanged: true,
    });

    const restarted = dispatcher('worker-after-restart');
    await restarted.runOnce();
    await restarted.runOnce();
    // Deliveries of one round are sent side by side: each once, in no promised order (README).
    const received = receiver.requests
      .map((r) => [r.headers['x-leadsync-delivery'], r.headers['x-leadsync-event']])
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(received).toEqual(stored.map((e) => [e.id, e.type]));
    await dispatcher('another-worker').runOnce();
    expect(receiver.requests).toHaveLength(3);
  });

  it('takes back the events of a dispatcher that died holding them, once its claim expires', async () => {
    const sheet = await fakeSheetCustomer(t, config, clock, 'Beta');
    receiver.requests.length = 0;
    await sheet.sync();
    const claimed = await claimUndispatched(t.db, 'dead-worker', {
      limit: 10,
      leaseMs: 60_000,
      now: clock.read(),
    });
    expect(claimed).toHaveLength(3);
    const survivor = dispatcher('survivor');
    expect((await survivor.runOnce()).dispatched).toBe(0);
    clock.advance(61_000);
    expect((await survivor.runOnce()).dispatched).toBe(3);
    expect(receiver.requests).toHaveLength(3);
  });

  it('writes no event when the ending transaction rolls back', async () => {
    const sheet = await fakeSheetCustomer(t, config, clock, 'Gamma');
    const run = await startRun(t.db, {
      customerId: sheet.customer.id,
      trigger: 'manual',
      startedAt: clock.read(),
    });
    const before = await events(sheet.customer.id);
    expect(before.map((e) => e.type)).toEqual(['sync.started']);
    const ending = {
      customerId: sheet.customer.id,
      runId: run.id,
      outcome: 'failed' as const,
      startedAt: clock.read(),
      finishedAt: clock.read(),
      figures: NO_FIGURES,
      error: new LeadsyncError('SHEET_NOT_PUBLIC'),
      progress: { percent: 0, phase: 'fetching' as const, message: 'Fetching' },
    };
    await expect(
      t.db.transaction().execute(async (trx) => {
        await recordEnding(trx, ending);
        const inside = await trx
          .selectFrom('outbox_events')
          .select('type')
          .where('customerId', '=', sheet.customer.id)
          .execute();
        expect(inside.map((e) => e.type)).toEqual(['sync.started', 'sync.failed']);
        throw new Error('the database went away before the commit');
      }),
    ).rejects.toThrow('went away');
    expect(await events(sheet.customer.id)).toEqual(before);
  });

  it('says what a failure, a recovery and changed headers mean', async () => {
    const sheet = await fakeSheetCustomer(t, config, clock, 'Delta');
    await sheet.sync();
    sheet.set(new LeadsyncError('SHEET_NOT_PUBLIC'));
    clock.advance(60_000);
    const firstFailure = await sheet.sync();
    clock.advance(60_000);
    await sheet.sync();
    sheet.set('Name,E-mail,Phone\nAda,ada@example.com,123\n');
    clock.advance(60_000);
    const recovered = await sheet.sync();
    const mine = await events(sheet.customer.id);
    expect(mine.map((e) => e.type)).toEqual([
      ...['sync.started', 'sync.completed', 'leads.changed'],
      ...['sync.started', 'sync.failed', 'sync.started', 'sync.failed'],
      ...['sync.started', 'sync.completed', 'customer.recovered', 'sheet.headers_changed', 'leads.changed'],
    ]);
    const payloads = mine.map((e) => ({ type: e.type, ...JSON.parse(e.payload) }));
    expect(payloads.filter((p) => p.type === 'sync.failed')).toMatchObject([
      { attempt: 1, error: { code: 'SHEET_NOT_PUBLIC' }, failingSince: firstFailure.finishedAt },
      { attempt: 2, failingSince: firstFailure.finishedAt },
    ]);
    expect(payloads.find((p) => p.type === 'customer.recovered')).toMatchObject({
      runId: recovered.id,
      failedRuns: 2,
      failingSince: firstFailure.finishedAt,
    });
    expect(payloads.find((p) => p.type === 'sheet.headers_changed')).toMatchObject({
      added: ['Phone'],
      removed: [],
    });
  });

  it('writes customer.paused (automatic) with the worker’s automatic pause', async () => {
    const sheet = await fakeSheetCustomer(t, config, clock, 'Epsilon');
    const claims = await claimDueCustomers(t.db, 'w1', { leaseMs: 60_000, limit: 100, now: clock.read() });
    expect(claims.map((c) => c.customerId)).toContain(sheet.customer.id);
    const reason = 'Paused automatically after 20 failed syncs in a row';
    await endClaimWithEvents(t.db, sheet.customer.id, 'w1', {
      nextRunAt: clock.read(),
      requeue: false,
      autoPauseReason: reason,
      now: clock.read(),
    });
    const [paused] = await events(sheet.customer.id);
    expect(paused).toMatchObject({ type: 'customer.paused' });
    expect(JSON.parse(paused!.payload)).toEqual({ reason: 'automatic', message: reason });
  });
});

describeEachDialect('notification dispatcher loop', (dialect) => {
  const t = useTestDatabase(dialect);

  it('delivers on its own once started, and stops on close', async () => {
    const receiver = await startReceiver([200]);
    const config = notifyConfig({ LEADSYNC_NOTIFY_POLL_MS: '20' });
    const clock = new ManualClock(new Date());
    await createWebhook(
      t.db,
      { url: receiver.url, events: ['sync.completed'], customerId: null, enabled: true, secret: 's' },
      clock.read(),
      createSecretBox(null),
    );
    const loop = new NotifyDispatcher({ db: t.db, config, mail: null });
    loop.start();
    try {
      await (await fakeSheetCustomer(t, config, clock)).sync();
      for (let waited = 0; receiver.requests.length === 0 && waited < 5000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(receiver.requests.map((r) => r.headers['x-leadsync-event'])).toEqual(['sync.completed']);
    } finally {
      await loop.close();
      await receiver.close();
    }
  });
});
