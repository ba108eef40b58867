import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCustomer } from '../../src/db/customers.repository.js';
import { getSyncState } from '../../src/db/sync-states.repository.js';
import { runSync } from '../../src/sync/engine.js';
import { startFakeGoogle, type FakeGoogle } from '../fake-google/server.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';
import { testConfig } from '../sources/fake-config.js';
import type { SyncProgress } from '../../src/events/event-types.js';

// After a failed run the status must say why, not keep showing "Downloading…".
describeEachDialect('progress of a failed run', (dialect) => {
  const t = useTestDatabase(dialect);
  let fake: FakeGoogle;
  beforeAll(async () => {
    fake = await startFakeGoogle();
  });
  afterAll(async () => fake.close());

  it('ends with the error code in the message and the bar where it stopped', async () => {
    const id = '1PrivateSheetForProgressTest00000000000';
    fake.setSheet(id, [{ gid: '0', title: 'Sheet1', csv: 'Name\r\nAnn\r\n' }], { private: true });
    const customer = await createCustomer(
      t.db,
      {
        name: 'Private',
        sheetUrl: `https://docs.google.com/spreadsheets/d/${id}/edit`,
        sourceKind: 'google_export',
      },
      new Date(),
    );
    const seen: SyncProgress[] = [];
    const run = await runSync(
      { db: t.db, config: testConfig(fake) },
      { customerId: customer.id, trigger: 'manual', onProgress: (p) => seen.push(p) },
    );
    expect(run.error?.code).toBe('SHEET_NOT_PUBLIC');
    const last = seen.at(-1);
    expect(last).toMatchObject({ phase: 'finishing', percent: 0 });
    expect(last?.message).toContain('SHEET_NOT_PUBLIC');
    const state = await getSyncState(t.db, customer.id);
    expect(state?.progressMessage).toContain('SHEET_NOT_PUBLIC');
  });
});
