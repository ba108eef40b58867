import { expect, it } from 'vitest';
import { createCustomer } from '../../src/db/customers.repository.js';
import {
  finishRun,
  findRunById,
  insertRun,
  listRuns,
  runStats,
  type SyncRun,
} from '../../src/db/sync-runs.repository.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

const NOW = new Date('2026-11-29T16:56:54.123Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);
let seq = 0;

describeEachDialect('sync runs repository', (dialect) => {
  const t = useTestDatabase(dialect);
  const newCustomer = async () =>
    (await createCustomer(t.db, { name: `Runs ${++seq}`, sheetUrl: 'x.csv', sourceKind: 'file' }, NOW)).id;

  it('records a started run with no outcome and zero counts, and finds it by id', async () => {
    const customerId = await newCustomer();
    const run = await insertRun(t.db, {
      customerId,
      trigger: 'manual',
      startedAt: NOW,
      workerId: 'worker-1',
    });
    expect(run).toEqual({
      id: expect.any(String),
      customerId,
      trigger: 'manual',
      outcome: null,
      startedAt: NOW.toISOString(),
      finishedAt: null,
      durationMs: null,
      rowsProcessed: 0,
      rowsInserted: 0,
      rowsUpdated: 0,
      rowsDeleted: 0,
      rowsUnchanged: 0,
      duplicateKeys: 0,
      retryCount: 0,
      bytes: 0,
      checksum: null,
      headerRow: null,
      error: null,
      pendingDeletes: null,
      details: null,
      workerId: 'worker-1',
      warnings: [],
    } satisfies SyncRun);
    expect(await findRunById(t.db, run.id)).toEqual(run);
    expect(await findRunById(t.db, 'no-such-run')).toBeUndefined();
  });

  it('accepts the start time as an ISO string with an offset and stores it in UTC', async () => {
    const customerId = await newCustomer();
    const run = await insertRun(t.db, {
      customerId,
      trigger: 'cli',
      startedAt: '2026-11-29T18:56:54.123+02:00',
    });
    expect(run.startedAt).toBe(NOW.toISOString());
    expect(run.workerId).toBeNull();
  });

  it('finishes a run with its figures, error and details (unicode JSON included)', async () => {
    const customerId = await newCustomer();
    const run = await insertRun(t.db, { customerId, trigger: 'schedule', startedAt: NOW });
    const details = { duplicates: ['clé-1', 'ключ-2'], note: 'Überprüfung 😀', nested: { n: 1, ok: true } };
    const finished = await finishRun(t.db, run.id, {
      outcome: 'needs_review',
      finishedAt: at(1234),
      durationMs: 1234,
      rowsProcessed: 500_000,
      rowsInserted: 10,
      rowsUpdated: 20,
      rowsUnchanged: 499_970,
      duplicateKeys: 2,
      retryCount: 1,
      bytes: 3_500_000_000,
      checksum: 'c0ffee',
      headerRow: 3,
      pendingDeletes: 400,
      error: { code: 'MASS_DELETE_HELD', message: 'Would delete 400 of 500 leads' },
      details,
    });
    expect(finished).toEqual({
      ...run,
      outcome: 'needs_review',
      finishedAt: at(1234).toISOString(),
      durationMs: 1234,
      rowsProcessed: 500_000,
      rowsInserted: 10,
      rowsUpdated: 20,
      rowsUnchanged: 499_970,
      duplicateKeys: 2,
      retryCount: 1,
      bytes: 3_500_000_000,
      checksum: 'c0ffee',
      headerRow: 3,
      pendingDeletes: 400,
      error: { code: 'MASS_DELETE_HELD', message: 'Would delete 400 of 500 leads' },
      details,
    });
    expect(await findRunById(t.db, run.id)).toEqual(finished);
  });

  it('writes an outcome once: finishing a finished run changes nothing', async () => {
    const customerId = await newCustomer();
    const run = await insertRun(t.db, { customerId, trigger: 'schedule', startedAt: NOW });
    const first = await finishRun(t.db, run.id, { outcome: 'success', finishedAt: at(10), durationMs: 10 });
    expect(
      await finishRun(t.db, run.id, { outcome: 'failed', finishedAt: at(20), durationMs: 20 }),
    ).toBeUndefined();
    expect(await findRunById(t.db, run.id)).toEqual(first);
    expect(
      await finishRun(t.db, 'no-such-run', { outcome: 'failed', finishedAt: at(20), durationMs: 20 }),
    ).toBe(undefined);
  });

  it('lists runs newest first, ties in the same millisecond included, page by page without gaps', async () => {
    const customerId = await newCustomer();
    const starts = [0, 5000, 1000, 5000, 3000, 5000, 2000];
    for (const ms of starts) await insertRun(t.db, { customerId, trigger: 'schedule', startedAt: at(ms) });
    const all = await listRuns(t.db, { customerId, limit: 100 });
    expect(all.map((r) => r.startedAt)).toEqual(
      [...starts].sort((a, b) => b - a).map((ms) => at(ms).toISOString()),
    );
    const tied = all.slice(0, 3).map((r) => r.id);
    expect(tied).toEqual([...tied].sort().reverse());

    const paged: SyncRun[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await listRuns(t.db, { customerId, limit: 2, ...(before !== undefined && { before }) });
      paged.push(...page);
      if (page.length < 2) break;
      before = page.at(-1)?.id;
    }
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
  });

  it("lists one customer's runs or everyone's", async () => {
    const a = await newCustomer();
    const b = await newCustomer();
    const runA = await insertRun(t.db, { customerId: a, trigger: 'manual', startedAt: at(10_000_000) });
    const runB = await insertRun(t.db, { customerId: b, trigger: 'manual', startedAt: at(10_000_001) });
    expect((await listRuns(t.db, { customerId: a, limit: 10 })).map((r) => r.id)).toEqual([runA.id]);
    expect((await listRuns(t.db, { limit: 2 })).map((r) => r.id)).toEqual([runB.id, runA.id]);
  });

  it('rejects a cursor that is not a run with VALIDATION_FAILED', async () => {
    await expect(listRuns(t.db, { limit: 10, before: 'nope' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('counts runs by outcome and gives the average and nearest-rank 95th percentile duration', async () => {
    const customerId = await newCustomer();
    // Durations 1..20 ms: p95 is the 19th smallest; plus one run still going.
    for (let i = 1; i <= 20; i++) {
      const run = await insertRun(t.db, { customerId, trigger: 'schedule', startedAt: at(i) });
      const outcome = i <= 15 ? 'success' : i <= 18 ? 'unchanged' : 'failed';
      await finishRun(t.db, run.id, { outcome, finishedAt: at(i + i), durationMs: i });
    }
    await insertRun(t.db, { customerId, trigger: 'manual', startedAt: at(100) });
    expect(await runStats(t.db, customerId)).toEqual({
      total: 21,
      running: 1,
      byOutcome: { success: 15, unchanged: 3, failed: 2, needs_review: 0, cancelled: 0 },
      avgDurationMs: 10.5,
      p95DurationMs: 19,
    });
    expect(await runStats(t.db, customerId, { since: at(11) })).toMatchObject({
      total: 11,
      p95DurationMs: 20,
    });
  });

  it('gives empty stats for a customer without runs', async () => {
    expect(await runStats(t.db, await newCustomer())).toEqual({
      total: 0,
      running: 0,
      byOutcome: { success: 0, unchanged: 0, failed: 0, needs_review: 0, cancelled: 0 },
      avgDurationMs: null,
      p95DurationMs: null,
    });
  });

  it('takes p95 over all customers when none is given', async () => {
    const stats = await runStats(t.db);
    expect(stats.total).toBeGreaterThanOrEqual(21);
    expect(stats.p95DurationMs).not.toBeNull();
  });
});
