import { expect, it } from 'vitest';
import { takeLeaseWhenFree, type LeaseWaitOptions } from '../../src/cli/lease-wait.js';
import { createCustomer, type Customer } from '../../src/db/customers.repository.js';
import { claimCustomer, claimDueCustomers } from '../../src/db/scheduler.repository.js';
import { claimLease } from '../../src/db/sync-leases.repository.js';
import { requestRun } from '../../src/db/sync-requests.repository.js';
import { isLeadsyncError } from '../../src/errors.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

/**
 * The CLI's side of the lease, without a process: how it claims (which queued trigger its run
 * serves) and how it waits (polls on an injected clock and sleep, bounded by its timeout).
 */
const T0 = new Date('2026-03-16T09:00:00.000Z');
let n = 0;

describeEachDialect('the CLI taking a customer', (dialect) => {
  const t = useTestDatabase(dialect);
  const newCustomer = () =>
    createCustomer(
      t.db,
      { name: `cli-claim ${++n} ${Math.random()}`, sheetUrl: '/tmp/x.csv', sourceKind: 'file' },
      T0,
    );
  const triggers = (id: string) =>
    t.db
      .selectFrom('lead_sync_states')
      .select(['pendingTrigger', 'claimedTrigger', 'leaseOwner'])
      .where('customerId', '=', id)
      .executeTakeFirstOrThrow();
  const claim = (c: Customer, servesApproval: boolean, now = T0) =>
    claimCustomer(t.db, c.id, 'cli:h:1', { leaseMs: 60_000, now, servesApproval });

  it("serves the queued run (the new customer's first one): it moves to claimedTrigger", async () => {
    const c = await newCustomer();
    expect(await claim(c, false)).toBe(true);
    expect(await triggers(c.id)).toEqual({
      pendingTrigger: null,
      claimedTrigger: 'create',
      leaseOwner: 'cli:h:1',
    });
  });

  it('leaves a queued approval pending for a run that may not delete; an approve run serves it', async () => {
    const a = await newCustomer();
    await requestRun(t.db, a.id, 'approval', T0);
    expect(await claim(a, false)).toBe(true);
    expect(await triggers(a.id)).toMatchObject({ pendingTrigger: 'approval', claimedTrigger: null });

    const b = await newCustomer();
    await requestRun(t.db, b.id, 'approval', T0);
    expect(await claim(b, true)).toBe(true);
    expect(await triggers(b.id)).toMatchObject({ pendingTrigger: null, claimedTrigger: 'approval' });
  });

  it('does not take a live lease, and takes an expired one', async () => {
    const c = await newCustomer();
    expect(await claimLease(t.db, c.id, 'worker:w', 1000, T0)).toBe(true);
    expect(await claim(c, false, new Date(T0.getTime() + 999))).toBe(false);
    expect((await triggers(c.id)).leaseOwner).toBe('worker:w');
    expect(await claim(c, false, new Date(T0.getTime() + 1000))).toBe(true);
  });

  it("creates the CLI's new customer already leased to it: no worker takes its first run, the CLI's claim does", async () => {
    const c = await createCustomer(
      t.db,
      { name: `cli-created ${++n} ${Math.random()}`, sheetUrl: '/tmp/x.csv', sourceKind: 'file' },
      T0,
      { leasedTo: { owner: 'cli:h:1', leaseMs: 5000 } },
    );
    const worker = (at: number) =>
      claimDueCustomers(t.db, 'worker:w', { leaseMs: 60_000, limit: 10, now: new Date(T0.getTime() + at) });
    expect((await worker(10)).map((x) => x.customerId)).not.toContain(c.id);
    expect(await claim(c, false, new Date(T0.getTime() + 20))).toBe(true);
    expect(await triggers(c.id)).toEqual({
      pendingTrigger: null,
      claimedTrigger: 'create',
      leaseOwner: 'cli:h:1',
    });
    // Had the CLI died there, its lease expires and a worker serves the first run.
    expect(await worker(60_021)).toContainEqual({ customerId: c.id, trigger: 'create', orphaned: true });
  });

  const waiting = (c: Customer, over: Partial<LeaseWaitOptions>) => {
    let now = T0.getTime();
    const told: string[] = [];
    const sleeps: number[] = [];
    const options: LeaseWaitOptions = {
      db: t.db,
      customer: c,
      owner: 'cli:h:1',
      leaseMs: 60_000,
      servesApproval: false,
      wait: true,
      waitTimeoutMs: 10_000,
      signal: new AbortController().signal,
      onWait: (holder) => told.push(holder),
      clock: () => new Date(now),
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      ...over,
    };
    return { options, told, sleeps };
  };

  it('polls every second until the holder lets go, telling once per holder', async () => {
    const c = await newCustomer();
    await claimLease(t.db, c.id, 'worker:w', 2500, T0); // Expires at T0 + 2.5 s, after the third poll.
    const w = waiting(c, {});

    expect(await takeLeaseWhenFree(w.options)).toBe(3000);
    expect(w.sleeps).toEqual([1000, 1000, 1000]);
    expect(w.told).toEqual(['worker:w']);
    expect((await triggers(c.id)).leaseOwner).toBe('cli:h:1');
  });

  it('gives up with CUSTOMER_BUSY after --wait-timeout, and at once with --no-wait', async () => {
    const c = await newCustomer();
    await claimLease(t.db, c.id, 'worker:w', 3_600_000, T0);

    const bounded = waiting(c, { waitTimeoutMs: 2500 });
    const timedOut = await takeLeaseWhenFree(bounded.options).catch((e: unknown) => e);
    expect(isLeadsyncError(timedOut) && timedOut.code).toBe('CUSTOMER_BUSY');
    expect(bounded.sleeps).toEqual([1000, 1000, 500]);

    const noWait = waiting(c, { wait: false });
    const refused = await takeLeaseWhenFree(noWait.options).catch((e: unknown) => e);
    expect(isLeadsyncError(refused) && refused.details).toMatchObject({ holder: 'worker:w' });
    expect(noWait.sleeps).toEqual([]);
    expect(noWait.told).toEqual([]);
    expect((await triggers(c.id)).leaseOwner).toBe('worker:w');
  });
});
