import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCustomer } from '../../src/db/customers.repository.js';
import { countLeads } from '../../src/db/leads.repository.js';
import { claimLease, getSyncState } from '../../src/db/sync-states.repository.js';
import { runSync } from '../../src/sync/engine.js';
import { startFakeGoogle, type FakeGoogle } from '../fake-google/server.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';
import { testConfig } from '../sources/fake-config.js';

const CSV = 'Lead ID,Name\r\n1,Ann\r\n2,Bob\r\n';
const LEASE_MS = 60_000;

// A worker whose lease ran out (and was taken by another worker) must not commit: two workers
// would otherwise write the same customer at once.
describeEachDialect('lease fence at commit', (dialect) => {
  const t = useTestDatabase(dialect);
  let fake: FakeGoogle;
  beforeAll(async () => {
    fake = await startFakeGoogle();
  });
  afterAll(async () => fake.close());

  async function customerWithSheet(name: string) {
    const id = `1Fence${name}SheetId000000000000000000`;
    fake.setSheet(id, [{ gid: '0', title: 'Sheet1', csv: CSV }]);
    return createCustomer(
      t.db,
      {
        name,
        sheetUrl: `https://docs.google.com/spreadsheets/d/${id}/edit#gid=0`,
        sourceKind: 'google_export',
      },
      new Date(),
    );
  }

  it('commits and renews the lease when this worker still holds it', async () => {
    const customer = await customerWithSheet('Holder');
    expect(await claimLease(t.db, customer.id, 'worker-a', LEASE_MS, new Date())).toBe(true);
    const before = (await getSyncState(t.db, customer.id))?.leaseExpiresAt;
    const run = await runSync(
      { db: t.db, config: testConfig(fake), lease: { owner: 'worker-a', ms: LEASE_MS } },
      { customerId: customer.id, trigger: 'schedule' },
    );
    expect(run.outcome).toBe('success');
    expect(await countLeads(t.db, customer.id)).toBe(2);
    const after = (await getSyncState(t.db, customer.id))?.leaseExpiresAt;
    expect(before).toBeTruthy();
    expect(String(after) >= String(before)).toBe(true);
  });

  it('writes nothing and fails with WORKER_LOST when another worker holds the lease', async () => {
    const customer = await customerWithSheet('Loser');
    expect(await claimLease(t.db, customer.id, 'worker-b', LEASE_MS, new Date())).toBe(true);
    const run = await runSync(
      { db: t.db, config: testConfig(fake), lease: { owner: 'worker-a', ms: LEASE_MS } },
      { customerId: customer.id, trigger: 'schedule' },
    );
    expect(run.outcome).toBe('failed');
    expect(run.error?.code).toBe('WORKER_LOST');
    expect(await countLeads(t.db, customer.id)).toBe(0);
    expect((await getSyncState(t.db, customer.id))?.leaseOwner).toBe('worker-b');
  });
});
