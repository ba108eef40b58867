import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

const run = promisify(execFile);

// One Google quota for every worker: two real processes reserve from the shared limiter on one
// PostgreSQL database, four requests in flight each, for three windows. The quota is scaled down
// in time (30 per second) so the test takes seconds; the pacing is the same per minute.
const PER_WINDOW = 30;
const WINDOW_MS = 1000;
const RUN_MS = 3000;

/** Most sends inside any half-open window [t, t + windowMs) of `sends` (sorted). */
function busiestWindow(sends: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < sends.length; i++) {
    while (sends[i]! - sends[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describeEachDialect(
  'the shared Google quota',
  () => {
    const t = useTestDatabase('postgres');

    it('keeps two worker processes together within the quota, and they use at least 90 % of it', async () => {
      const child = () =>
        run(process.execPath, [
          'bin/run-ts.js',
          'test/worker/quota-process.ts',
          t.url,
          String(PER_WINDOW),
          String(WINDOW_MS),
          String(RUN_MS),
          '4',
        ]).then(({ stdout }) => JSON.parse(stdout) as number[]);
      const [a, b] = await Promise.all([child(), child()]);
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      const all = [...a, ...b].sort((x, y) => x - y);
      expect(busiestWindow(all, WINDOW_MS)).toBeLessThanOrEqual(PER_WINDOW);
      // While both were asking (backlogged), the busiest full window is the quota, give or take.
      const from = Math.max(a[0]!, b[0]!);
      const to = Math.min(a[a.length - 1]!, b[b.length - 1]!);
      expect(to - from).toBeGreaterThanOrEqual(WINDOW_MS);
      const both = all.filter((s) => s >= from && s <= to);
      expect(busiestWindow(both, WINDOW_MS)).toBeGreaterThanOrEqual(0.9 * PER_WINDOW);
    });
  },
  ['postgres'],
);
