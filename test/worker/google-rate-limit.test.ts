import { describe, expect, it } from 'vitest';
import { PacedLimiter } from '../../src/worker/google-rate-limit.js';

/** A clock that only moves when a caller sleeps; records when each acquire was let through. */
function simulated(start = 0) {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => void (now += ms),
  };
}

/** Most starts inside any half-open window [t, t + windowMs). */
function busiestWindow(starts: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[i]! - starts[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('PacedLimiter (Google quota shared by all syncs of a process)', () => {
  it('lets a short burst through at once, then paces', async () => {
    const c = simulated(1_000_000);
    const limiter = new PacedLimiter(60, c.now, c.sleep);
    for (let i = 0; i < 6; i++) await limiter.acquire();
    expect(c.now()).toBe(1_000_000);
    await limiter.acquire();
    expect(c.now()).toBeGreaterThan(1_000_000);
  });

  it('gives the burst on a clock that starts at zero too (the clock is not assumed to be epoch time)', async () => {
    const c = simulated(0);
    const limiter = new PacedLimiter(60, c.now, c.sleep);
    for (let i = 0; i < 6; i++) await limiter.acquire();
    expect(c.now()).toBe(0);
  });

  for (const perMinute of [1, 10, 60, 300]) {
    it(`never starts more than ${perMinute} requests in any minute, under constant demand`, async () => {
      const c = simulated(5_000_000);
      const limiter = new PacedLimiter(perMinute, c.now, c.sleep);
      const starts: number[] = [];
      for (let i = 0; i < perMinute * 4 + 10; i++) {
        await limiter.acquire();
        starts.push(c.now());
      }
      expect(busiestWindow(starts, 60_000)).toBeLessThanOrEqual(perMinute);
      // ...and still uses at least 90 % of the quota.
      expect(starts.at(-1)! - starts[0]!).toBeLessThanOrEqual((starts.length / (0.9 * perMinute)) * 60_000);
    });
  }

  it('never exceeds the quota when demand comes in bursts separated by idle time', async () => {
    const c = simulated(7_000_000);
    const limiter = new PacedLimiter(60, c.now, c.sleep);
    const starts: number[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 8; i++) {
        await limiter.acquire();
        starts.push(c.now());
      }
      c.advance(round % 3 === 0 ? 4_000 : 300);
    }
    expect(busiestWindow(starts, 60_000)).toBeLessThanOrEqual(60);
  });

  it('rejects a waiting caller when its signal aborts', async () => {
    const limiter = new PacedLimiter(
      1,
      () => 0,
      (_ms, signal) =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason as Error)),
        ),
    );
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });
});
