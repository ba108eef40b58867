import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/events/postgres-bus.js';
import type { EventBus } from '../../src/events/event-bus.js';
import { LiveProgress } from '../../src/api/live-progress.js';
import { connectPostgresAdmin, databaseOf, type PostgresAdmin } from '../faults/postgres-admin.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';
import { until } from '../service/until.js';

const progress = { percent: 80, phase: 'applying' as const, message: 'Wrote 8 of 10' };

describe('live progress', () => {
  it('keeps the latest report of a running sync, and forgets it at the end or when it goes stale', async () => {
    const bus = await createEventBus('sqlite', 'sqlite::memory:');
    let now = 1_000;
    const live = new LiveProgress(bus, () => now);
    bus.publish({ type: 'progress', customerId: 'a', progress });
    bus.publish({ type: 'progress', customerId: 'b', progress });
    expect(live.of('a')).toEqual(progress);
    bus.publish({ type: 'run-finished', customerId: 'a', runId: 'r', outcome: 'success' });
    expect(live.of('a')).toBeUndefined();
    // A worker that died sends no run-finished: its last report must not say "running" for ever.
    now += 10_001;
    expect(live.of('b')).toBeUndefined();
    live.close();
    await bus.close();
  });
});

describeEachDialect(
  'live progress when the LISTEN connection drops',
  (dialect) => {
    const t = useTestDatabase(dialect, { migrate: false });
    let admin: PostgresAdmin;
    let bus: EventBus;
    beforeAll(async () => {
      admin = await connectPostgresAdmin();
      bus = await createEventBus(dialect, t.url);
    });
    afterAll(async () => {
      await bus?.close();
      await admin?.close();
    });

    it('forgets every report at once: the run-finished events sent meanwhile are lost', async () => {
      // The clock stands still, so nothing here goes stale on its own: only the gap can clear it.
      const live = new LiveProgress(bus, () => 1_000);
      bus.publish({ type: 'progress', customerId: 'a', progress });
      await until(
        async () => live.of('a'),
        (seen) => seen !== undefined,
      );
      expect(await admin.terminateAll(databaseOf(t.url))).toBeGreaterThan(0);
      await until(
        async () => live.of('a'),
        (seen) => seen === undefined,
        5_000,
      );
      live.close();
    });
  },
  ['postgres'],
);
