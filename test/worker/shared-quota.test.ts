import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

// One Google quota for every worker: two real processes reserve from the shared limiter on one
// PostgreSQL database, four requests in flight each, for two windows. The quota is scaled down
// in time (30 per second) so the test takes seconds; the pacing is the same per minute. Both
// start asking at the same moment (once both are connected), so two windows are enough.
const PER_WINDOW = 30;
const WINDOW_MS = 1000;
const RUN_MS = 2000;

/** One quota process: `ready` once it is connected, asking from `go()` on, its sends at `sends`. */
function quotaProcess(url: string) {
  const child = spawn(process.execPath, [
    'bin/run-ts.js',
    'test/worker/quota-process.ts',
    url,
    String(PER_WINDOW),
    String(WINDOW_MS),
    String(RUN_MS),
    '4',
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('ready\n')) resolve();
    });
    child.once('close', () => reject(new Error(`quota process ended before it was ready:\n${stderr}`)));
  });
  const sends = new Promise<number[]>((resolve, reject) =>
    child.once('close', (code) =>
      code === 0 ? resolve(JSON.parse(stdout) as number[]) : reject(new Error(`exit ${code}:\n${stderr}`)),
    ),
  );
  return { ready, go: () => child.stdin.end(), sends };
}

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
      const children = [quotaProcess(t.url), quotaProcess(t.url)];
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.go();
      const [a, b] = (await Promise.all(children.map((c) => c.sends))) as [number[], number[]];
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
