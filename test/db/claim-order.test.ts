import { expect, it } from 'vitest';
import { claimDueCustomers, endClaim } from '../../src/db/scheduler.repository.js';
import { requestRun } from '../../src/db/sync-requests.repository.js';
import { updateSyncState } from '../../src/db/sync-states.repository.js';
import { seedCustomers } from '../../bench/fleet-seed.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

// Fair scheduling, decided by the claim on an injected clock: customers are served in the order
// their runs became due, whether a schedule, a trigger or a push made them due.
const T0 = new Date('2026-06-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const FAR = at(86_400);

describeEachDialect('the claim’s order', (dialect) => {
  const t = useTestDatabase(dialect);
  let batch = 0;
  const seed = async (due: (number | null)[]): Promise<string[]> => {
    return seedCustomers(
      t.db,
      due.length,
      (i) => ({
        sheetUrl: `https://example.com/${batch}/${i}.csv`,
        sourceKind: 'csv_url',
        intervalMinutes: 5,
        nextRunAt: due[i] === null ? FAR : at(due[i] ?? 0),
      }),
      T0,
      `t${batch++}-`,
    );
  };
  const claimOne = async (seconds: number) => {
    const [claim] = await claimDueCustomers(t.db, 'w1', { leaseMs: 60_000, limit: 1, now: at(seconds) });
    return claim?.customerId;
  };
  const finish = (id: string, seconds: number) =>
    endClaim(t.db, id, 'w1', { nextRunAt: FAR, requeue: false, autoPauseReason: null, now: at(seconds) });

  it('queues a customer triggered during each of its runs behind the schedules due before the trigger', async () => {
    const [storm, b, c, d] = await seed([null, 1, 2, 3]);
    await requestRun(t.db, storm!, 'manual', at(0));
    expect(await claimOne(10)).toBe(storm);
    // A burst of triggers during the run: one follow-up, asked at the first of them.
    for (let s = 11; s < 15; s++) await requestRun(t.db, storm!, 'manual', at(s));
    await finish(storm!, 15);
    const order: (string | undefined)[] = [];
    for (let s = 16; s < 20; s++) {
      const id = await claimOne(s);
      order.push(id);
      if (id) await finish(id, s);
    }
    expect(order).toEqual([b, c, d, storm]);
  });

  it('still serves a trigger before the schedules that became due after it', async () => {
    const [late, asked] = await seed([20, null]);
    await requestRun(t.db, asked!, 'manual', at(15));
    expect(await claimOne(25)).toBe(asked);
    expect(await claimOne(25)).toBe(late);
  });

  it('marks a claim taken over from a lease that ran out, and only that one, as orphaned', async () => {
    const [released, dead] = await seed([1, 2]);
    expect(await claimOne(10)).toBe(released);
    await finish(released!, 11);
    expect(await claimOne(12)).toBe(dead);
    // The worker holding `dead` dies: its lease (60 s) runs out without a release.
    await updateSyncState(t.db, released!, { nextRunAt: at(20) }, at(20));
    await updateSyncState(t.db, dead!, { nextRunAt: at(20) }, at(20));
    const claims = await claimDueCustomers(t.db, 'w2', { leaseMs: 60_000, limit: 10, now: at(80) });
    expect(claims.map((c) => [c.customerId, c.orphaned]).sort()).toEqual(
      [
        [released, false],
        [dead, true],
      ].sort(),
    );
  });
});
