import { afterAll, beforeAll, expect, it } from 'vitest';
import { listRuns } from '../../src/db/sync-runs.repository.js';
import { startHarness, type Harness } from '../api/harness.js';
import { describeEachDialect } from '../helpers/databases.js';
import { quantile, startSlowSync, type SlowSync } from './slow-writes.js';

const ROWS = 600;
/** Small chunks: the event loop (SQLite) and the status route get a turn every 20 rows. */
const BATCH = 20;
const ROW_MS = 2;

interface Answer {
  sentAt: number;
  latency: number;
  status: string;
  outcome: string | null;
  phase: string;
  percent: number;
}

/**
 * The API answers while a sync applies a large write, in the same process and on the same
 * database: every insert is made slow (a synchronous busy-wait on SQLite), and the status route
 * is polled throughout the apply.
 */
describeEachDialect('the API during a long write', (dialect) => {
  let h: Harness;
  let slow: SlowSync | null = null;
  beforeAll(async () => {
    h = await startHarness(dialect, { LEADSYNC_BATCH_SIZE: String(BATCH) });
  });
  afterAll(async () => {
    await slow?.stop();
    await h?.close();
  });

  it('answers the status route, with live applying progress, far faster than the apply lasts', async () => {
    slow = await startSlowSync(h, { name: 'Big', rows: ROWS, rowMs: ROW_MS, leaseMs: 5000 });
    const { customerId: id, writeTimes } = slow;

    const answers: Answer[] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const sentAt = performance.now();
      const res = await h.call('GET', `/api/leads/sync/status?customerId=${id}`);
      const latency = performance.now() - sentAt;
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const runs = await listRuns(h.t.db, { customerId: id, limit: 10 });
      answers.push({
        sentAt,
        latency,
        status: body.status,
        outcome: runs[0]?.outcome ?? null,
        phase: body.progress.phase,
        percent: body.progress.percent,
      });
      if (runs[0]?.outcome != null || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    const runs = await listRuns(h.t.db, { customerId: id, limit: 10 });
    expect(runs).toMatchObject([{ outcome: 'success', rowsInserted: ROWS }]);
    expect(writeTimes).toHaveLength(ROWS / BATCH);
    // From the end of the first chunk to the end of the last.
    const applyStart = writeTimes[0]!;
    const applyEnd = writeTimes.at(-1)!;
    const applyMs = applyEnd - applyStart;
    expect(applyMs).toBeGreaterThan(ROWS * ROW_MS * 0.5);

    const during = answers.filter((a) => a.sentAt >= applyStart && a.sentAt + a.latency <= applyEnd);
    expect(during.length).toBeGreaterThan(5);
    const applying = during.filter(
      (a) => a.phase === 'applying' && a.percent >= 75 && a.percent < 100 && a.status === 'running',
    );
    expect(applying.length).toBeGreaterThanOrEqual(1);
    // The bar rises while the chunks commit, not only at the start of the write.
    expect(new Set(applying.map((a) => a.percent)).size).toBeGreaterThanOrEqual(2);
    expect(during.every((a) => a.status === 'running' && a.outcome === null)).toBe(true);
    const latencies = during.map((a) => a.latency);
    const max = Math.max(...latencies);
    console.info(
      `[${dialect}] apply ${applyMs.toFixed(0)} ms; ${during.length} status answers during it, ` +
        `latency max ${max.toFixed(1)} ms, p50 ${quantile(latencies, 0.5).toFixed(1)} ms`,
    );
    expect(max).toBeLessThan(applyMs / 4);
  });
});
