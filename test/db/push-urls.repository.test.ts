import { expect, it } from 'vitest';
import { createCustomer } from '../../src/db/customers.repository.js';
import { findPushUrl, recordPush, savePushUrl } from '../../src/db/push-urls.repository.js';
import { claimDueCustomers, endClaim } from '../../src/db/scheduler.repository.js';
import { pauseSync } from '../../src/db/sync-requests.repository.js';
import { updateSyncState } from '../../src/db/sync-states.repository.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

// The debounce and coalescing of pushes, decided by the database on an injected clock: the first
// push of a burst fixes the run time, the claim serves it, pushes during the run queue one more.
const T0 = new Date('2026-05-04T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describeEachDialect('push URLs and the claim', (dialect) => {
  const t = useTestDatabase(dialect);
  let n = 0;
  const customer = async () => {
    const c = await createCustomer(
      t.db,
      { name: `push ${n++}`, sheetUrl: `https://example.com/${n}.csv`, sourceKind: 'csv_url' },
      T0,
    );
    // Not due on its schedule for an hour, and no first run queued: only pushes make it due.
    await updateSyncState(t.db, c.id, { nextRunAt: at(3600), pendingTrigger: null }, T0);
    await savePushUrl(t.db, { customerId: c.id, secretHash: 'ab'.repeat(32), debounceSeconds: 10 }, T0);
    return c.id;
  };
  const claim = (seconds: number) =>
    claimDueCustomers(t.db, 'w1', { leaseMs: 60_000, limit: 100, now: at(seconds) });
  const pushRunAt = async (id: string) =>
    (
      await t.db
        .selectFrom('lead_sync_states')
        .select('pushRunAt')
        .where('customerId', '=', id)
        .executeTakeFirstOrThrow()
    ).pushRunAt;

  it('gives every push of a burst the first push’s run time, and the claim serves it once as push', async () => {
    const id = await customer();
    const answers = [];
    for (let i = 0; i < 20; i++)
      answers.push(await recordPush(t.db, { customerId: id, debounceSeconds: 10 }, at(i / 20)));
    expect(new Set(answers.map((a) => a.runAt))).toEqual(new Set([at(10).toISOString()]));
    expect((await findPushUrl(t.db, id))?.pushCount).toBe(20);
    expect((await claim(9.9)).map((c) => c.customerId)).not.toContain(id);
    expect((await claim(10)).filter((c) => c.customerId === id)).toEqual([
      { customerId: id, trigger: 'push', orphaned: false },
    ]);
    expect(await pushRunAt(id)).toBeNull();
    await endClaim(t.db, id, 'w1', {
      nextRunAt: at(3600),
      requeue: false,
      autoPauseReason: null,
      now: at(11),
    });
    expect((await claim(60)).map((c) => c.customerId)).not.toContain(id);
  });

  it('queues exactly one follow-up for pushes that arrive while the run goes', async () => {
    const id = await customer();
    await recordPush(t.db, { customerId: id, debounceSeconds: 10 }, at(0));
    expect((await claim(10)).map((c) => c.customerId)).toContain(id);
    for (let i = 0; i < 5; i++) await recordPush(t.db, { customerId: id, debounceSeconds: 10 }, at(11 + i));
    expect(await pushRunAt(id)).toBe(at(21).toISOString());
    // Leased: not claimed again while the run goes, even once the follow-up is due.
    expect((await claim(30)).map((c) => c.customerId)).not.toContain(id);
    await endClaim(t.db, id, 'w1', {
      nextRunAt: at(3600),
      requeue: false,
      autoPauseReason: null,
      now: at(31),
    });
    expect((await claim(31)).filter((c) => c.customerId === id)).toEqual([
      { customerId: id, trigger: 'push', orphaned: false },
    ]);
    await endClaim(t.db, id, 'w1', {
      nextRunAt: at(3600),
      requeue: false,
      autoPauseReason: null,
      now: at(32),
    });
    expect((await claim(100)).map((c) => c.customerId)).not.toContain(id);
  });

  it('counts a paused customer’s push and queues nothing', async () => {
    const id = await customer();
    await pauseSync(t.db, id, 'holiday', T0);
    expect(await recordPush(t.db, { customerId: id, debounceSeconds: 0 }, at(1))).toEqual({
      queued: false,
      runAt: null,
    });
    expect(await findPushUrl(t.db, id)).toMatchObject({ pushCount: 1, lastPushAt: at(1).toISOString() });
    expect(await pushRunAt(id)).toBeNull();
  });
});
