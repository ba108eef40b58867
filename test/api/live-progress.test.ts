import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/events/postgres-bus.js';
import { LiveProgress } from '../../src/api/live-progress.js';

describe('live progress', () => {
  it('keeps the latest report of a running sync, and forgets it at the end or when it goes stale', async () => {
    const bus = await createEventBus('sqlite', 'sqlite::memory:');
    let now = 1_000;
    const live = new LiveProgress(bus, () => now);
    const progress = { percent: 80, phase: 'applying' as const, message: 'Wrote 8 of 10' };
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
