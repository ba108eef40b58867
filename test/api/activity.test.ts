import { expect, it } from 'vitest';
import { createCustomer } from '../../src/db/customers.repository.js';
import { countRunsByHour } from '../../src/db/run-activity.repository.js';
import { finishRun, insertRun } from '../../src/db/sync-runs.repository.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

/** The overview's 24 h chart: syncs and failures per hour, counted by the database. */
describeEachDialect('runs per hour', (dialect) => {
  const t = useTestDatabase(dialect);

  it('counts runs started and failed in each of the last hours, oldest first', async () => {
    const now = new Date('2026-12-03T10:20:00.000Z');
    const made = async (name: string) =>
      createCustomer(t.db, { name, sheetUrl: `https://x.test/${name}.csv`, sourceKind: 'csv_url' }, now);
    const [a, b] = [await made('a'), await made('b')];
    const run = async (customerId: string, startedAt: string, outcome: 'success' | 'failed' | null) => {
      const r = await insertRun(t.db, { customerId, trigger: 'schedule', startedAt });
      if (outcome) await finishRun(t.db, r.id, { outcome, finishedAt: startedAt, durationMs: 10 });
    };
    await run(a.id, '2026-12-03T10:05:00.000Z', 'success');
    await run(b.id, '2026-12-03T10:15:00.000Z', 'failed');
    await run(a.id, '2026-12-03T10:19:59.000Z', null); // still running: a sync, not a failure
    await run(a.id, '2026-12-03T09:00:00.000Z', 'failed');
    await run(a.id, '2026-12-03T08:59:59.999Z', 'success');
    await run(a.id, '2026-12-03T07:00:00.000Z', 'success'); // outside the last 3 hours

    const hours = await countRunsByHour(t.db, { now, hours: 3 });
    expect(hours).toEqual([
      { hour: '2026-12-03T08:00:00.000Z', syncs: 1, failures: 0 },
      { hour: '2026-12-03T09:00:00.000Z', syncs: 1, failures: 1 },
      { hour: '2026-12-03T10:00:00.000Z', syncs: 3, failures: 1 },
    ]);
    const ofB = await countRunsByHour(t.db, { now, hours: 3, customerId: b.id });
    expect(ofB.map((h) => [h.syncs, h.failures])).toEqual([
      [0, 0],
      [0, 0],
      [1, 1],
    ]);
  });
});
