import { expect, it } from 'vitest';
import { createCustomer } from '../../src/db/customers.repository.js';
import { openDatabase } from '../../src/db/connection.js';
import {
  claimLease,
  getSyncState,
  releaseLease,
  renewLease,
  setProgress,
  updateSyncState,
} from '../../src/db/sync-states.repository.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

const NOW = new Date('2026-11-29T16:56:54.123Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);
const LEASE = 30_000;
let seq = 0;

describeEachDialect('sync states repository', (dialect) => {
  const t = useTestDatabase(dialect);
  const newCustomer = async () =>
    (await createCustomer(t.db, { name: `State ${++seq}`, sheetUrl: 'x.csv', sourceKind: 'file' }, NOW)).id;

  it('has no state for a customer that does not exist', async () => {
    expect(await getSyncState(t.db, '0190c0de-0000-7000-8000-000000000000')).toBeUndefined();
    expect(await updateSyncState(t.db, '0190c0de-0000-7000-8000-000000000000', { isPaused: true }, NOW)).toBe(
      false,
    );
  });

  it('writes a patch with flags as booleans, headers as a list and timestamps as ISO strings', async () => {
    const id = await newCustomer();
    const patch = {
      isPaused: true,
      pausedReason: 'Five failures in a row',
      isRunning: true,
      lastOutcome: 'success' as const,
      lastSyncAt: '2026-11-29T18:00:00+01:00',
      lastSuccessAt: at(1000),
      nextRunAt: null,
      lastHeaders: ['Nom', 'E-mail', 'Téléphone 📞', 'a "quoted", header'],
      lastBodyBytes: 3_000_000_000,
      rowCount: 500_000,
      pendingTrigger: null,
    };
    expect(await updateSyncState(t.db, id, patch, at(2000))).toBe(true);
    expect(await getSyncState(t.db, id)).toMatchObject({
      ...patch,
      lastSyncAt: '2026-11-29T17:00:00.000Z',
      lastSuccessAt: '2026-11-29T16:56:55.123Z',
      updatedAt: '2026-11-29T16:56:56.123Z',
    });
    await updateSyncState(t.db, id, { isPaused: false, isRunning: false, lastHeaders: null }, at(3000));
    expect(await getSyncState(t.db, id)).toMatchObject({
      isPaused: false,
      isRunning: false,
      lastHeaders: null,
    });
  });

  it('leaves the lease alone even when handed a whole state object', async () => {
    const id = await newCustomer();
    await claimLease(t.db, id, 'worker-a', LEASE, NOW);
    const state = await getSyncState(t.db, id);
    await updateSyncState(t.db, id, { ...state, leaseOwner: null, customerId: 'other' } as never, at(1));
    expect(await getSyncState(t.db, id)).toMatchObject({ customerId: id, leaseOwner: 'worker-a' });
  });

  it('records progress as a whole percent between 0 and 100', async () => {
    const id = await newCustomer();
    await updateSyncState(t.db, id, { isRunning: true }, at(4));
    await setProgress(t.db, id, { percent: 41.6, phase: 'parsing', message: 'Read 41,600 rows' }, at(5));
    expect(await getSyncState(t.db, id)).toMatchObject({
      progressPercent: 42,
      progressPhase: 'parsing',
      progressMessage: 'Read 41,600 rows',
      updatedAt: at(5).toISOString(),
    });
    await setProgress(t.db, id, { percent: 140, phase: 'finishing', message: null }, at(6));
    expect((await getSyncState(t.db, id))?.progressPercent).toBe(100);
    await setProgress(t.db, id, { percent: -3, phase: 'queued', message: null }, at(7));
    expect((await getSyncState(t.db, id))?.progressPercent).toBe(0);
  });

  it('ignores a progress write that arrives after the run recorded its end', async () => {
    const id = await newCustomer();
    await updateSyncState(t.db, id, { isRunning: true }, at(4));
    await setProgress(t.db, id, { percent: 80, phase: 'applying', message: 'Wrote 8 of 10' }, at(5));
    await updateSyncState(
      t.db,
      id,
      { isRunning: false, progressPercent: 100, progressPhase: 'finishing', progressMessage: 'Wrote 10' },
      at(6),
    );
    await setProgress(t.db, id, { percent: 90, phase: 'applying', message: 'Wrote 9 of 10' }, at(7));
    expect(await getSyncState(t.db, id)).toMatchObject({
      progressPercent: 100,
      progressPhase: 'finishing',
      progressMessage: 'Wrote 10',
    });
  });

  it('grants a lease to one of two workers claiming at the same instant', async () => {
    const id = await newCustomer();
    const second = await openDatabase(t.url, { migrate: false });
    try {
      const results = await Promise.all([
        claimLease(t.db, id, 'worker-a', LEASE, NOW),
        claimLease(second.db, id, 'worker-b', LEASE, NOW),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? 'worker-a' : 'worker-b';
      expect(await getSyncState(t.db, id)).toMatchObject({
        leaseOwner: winner,
        leaseExpiresAt: at(LEASE).toISOString(),
      });
    } finally {
      await second.close();
    }
  });

  it('grants a lease to exactly one of many concurrent claims', async () => {
    const id = await newCustomer();
    const owners = Array.from({ length: 8 }, (_, i) => `worker-${i}`);
    const results = await Promise.all(owners.map((o) => claimLease(t.db, id, o, LEASE, NOW)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses a claim while the lease is live, even to its owner, and grants it once it has expired', async () => {
    const id = await newCustomer();
    expect(await claimLease(t.db, id, 'worker-a', LEASE, NOW)).toBe(true);
    expect(await claimLease(t.db, id, 'worker-b', LEASE, at(LEASE - 1))).toBe(false);
    expect(await claimLease(t.db, id, 'worker-a', LEASE, at(LEASE - 1))).toBe(false);
    expect(await claimLease(t.db, id, 'worker-b', LEASE, at(LEASE))).toBe(true);
    expect((await getSyncState(t.db, id))?.leaseOwner).toBe('worker-b');
  });

  it('renews a live lease for its owner only', async () => {
    const id = await newCustomer();
    await claimLease(t.db, id, 'worker-a', LEASE, NOW);
    expect(await renewLease(t.db, id, 'worker-b', LEASE, at(10_000))).toBe(false);
    expect(await renewLease(t.db, id, 'worker-a', LEASE, at(10_000))).toBe(true);
    expect((await getSyncState(t.db, id))?.leaseExpiresAt).toBe(at(10_000 + LEASE).toISOString());
    // The renewed lease now outlives the first one.
    expect(await claimLease(t.db, id, 'worker-b', LEASE, at(LEASE + 1))).toBe(false);
  });

  it('does not renew a lease that has expired, even if nobody took it yet', async () => {
    const id = await newCustomer();
    await claimLease(t.db, id, 'worker-a', LEASE, NOW);
    expect(await renewLease(t.db, id, 'worker-a', LEASE, at(LEASE))).toBe(false);
  });

  it('releases a lease for its owner only, so another worker can claim at once', async () => {
    const id = await newCustomer();
    await claimLease(t.db, id, 'worker-a', LEASE, NOW);
    expect(await releaseLease(t.db, id, 'worker-b')).toBe(false);
    expect(await releaseLease(t.db, id, 'worker-a', at(5))).toBe(true);
    expect(await getSyncState(t.db, id)).toMatchObject({
      leaseOwner: null,
      leaseExpiresAt: null,
      updatedAt: at(5).toISOString(),
    });
    expect(await claimLease(t.db, id, 'worker-b', LEASE, at(6))).toBe(true);
  });

  it('does not let a worker whose lease was taken over release or renew it', async () => {
    const id = await newCustomer();
    await claimLease(t.db, id, 'worker-a', LEASE, NOW);
    await claimLease(t.db, id, 'worker-b', LEASE, at(LEASE + 1));
    expect(await renewLease(t.db, id, 'worker-a', LEASE, at(LEASE + 2))).toBe(false);
    expect(await releaseLease(t.db, id, 'worker-a')).toBe(false);
    expect((await getSyncState(t.db, id))?.leaseOwner).toBe('worker-b');
  });
});
