import { expect, it } from 'vitest';
import type { SyncRun } from '../../src/db/sync-runs.repository.js';
import type { SyncState } from '../../src/db/sync-states.repository.js';
import { describeEachDialect } from '../helpers/databases.js';
import { peopleCsv, useSyncBed } from './support.js';
import type { SyncProgress } from '../../src/events/event-types.js';
import type { SyncPhase } from '../../src/db/database.js';
import { heldBody } from '../fake-google/server.js';

const PHASES: SyncPhase[] = ['queued', 'fetching', 'parsing', 'diffing', 'applying', 'finishing'];
const names = (n: number) => Array.from({ length: n }, (_, i) => `Lead${i + 1}`);

function expectRising(progress: SyncProgress[]): void {
  const percents = progress.map((p) => p.percent);
  expect(
    percents.every((p, i) => Number.isInteger(p) && p >= 0 && p <= 100 && p >= (percents[i - 1] ?? 0)),
  ).toBe(true);
}

describeEachDialect('progress', (dialect) => {
  const bed = useSyncBed(dialect);

  it('rises through the phases in order and ends at 100 on success', async () => {
    const customer = await bed.seeded(peopleCsv(names(12)));
    bed.setSheet(customer, peopleCsv(names(20)));

    const { run, progress } = await bed.sync(customer, { batchSize: 2 });

    expect(run.outcome).toBe('success');
    expectRising(progress);
    const phases = progress.map((p) => PHASES.indexOf(p.phase));
    expect(phases.every((p, i) => p >= 0 && p >= (phases[i - 1] ?? 0))).toBe(true);
    expect(new Set(progress.map((p) => p.phase))).toEqual(new Set(PHASES));
    expect(progress.at(-1)).toMatchObject({ percent: 100, phase: 'finishing' });
    expect(await bed.state(customer)).toMatchObject({ progressPercent: 100, progressPhase: 'finishing' });
  });

  it('never goes down while a download is retried', async () => {
    const csv = peopleCsv(names(3000));
    const customer = await bed.customer(csv, { sheet: { contentLength: true } });
    // Cut off after leads were read and reported, so the retry starts over from a raised bar.
    bed.fake.fault(customer.sheetId, { resetAfterBytes: Math.floor(csv.length * 0.8) }, { times: 1 });

    const { run, progress } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'success', retryCount: 1 });
    const retry = progress.findIndex((p) => p.message.includes('retry 1'));
    expect(progress.slice(0, retry).some((p) => p.phase === 'parsing' && p.percent > 0)).toBe(true);
    expectRising(progress);
    expect(progress.at(-1)?.percent).toBe(100);
  });

  it('estimates the download from Content-Length, or else from the previous run', async () => {
    const csv = peopleCsv(names(3000));
    const sized = await bed.customer(csv, { sheet: { contentLength: true } });
    const fetching = (progress: SyncProgress[]) =>
      progress.filter((p) => p.phase === 'fetching').map((p) => p.percent);
    const parsing = (progress: SyncProgress[]) =>
      progress.filter((p) => p.phase === 'parsing').map((p) => p.percent);

    // Every step reported (no throttle), so the reports during the download need no slow body.
    const every = { progressThrottleMs: 0 };
    const first = await bed.sync(sized, { batchSize: 100, ...every });
    expect(fetching(first.progress).some((p) => p > 0 && p < 30)).toBe(true);
    // The parse reads the downloaded body, whose size is known by then.
    expect(parsing(first.progress).some((p) => p > 30 && p < 70)).toBe(true);

    const chunked = await bed.customer(csv);
    const unknown = await bed.sync(chunked, { batchSize: 100, ...every });
    const downloading = fetching(unknown.progress);
    expect(downloading.length > 0 && downloading.every((p) => p === 0)).toBe(true);
    expect(parsing(unknown.progress).some((p) => p > 30 && p < 70)).toBe(true);
    // The second download is estimated from the first one's size (the body changed, so it is parsed).
    bed.setSheet(chunked, csv.replace('\n', ',\n'));
    expect(fetching((await bed.sync(chunked, every)).progress).some((p) => p > 0 && p < 30)).toBe(true);
  });

  it('lists the run without an outcome while it is in progress, and shows the state as running', async () => {
    const customer = await bed.customer(peopleCsv(names(20)));
    // The download is held after its first bytes until the reads made during it have answered.
    const held = heldBody(100);
    bed.fake.fault(customer.sheetId, held.fault, { times: 1 });
    let during: Promise<[SyncRun[], SyncState]> | undefined;

    const { run } = await bed.sync(customer, {
      onProgress: (p) => {
        if (p.phase === 'fetching')
          during ??= Promise.all([bed.runs(customer), bed.state(customer)]).finally(held.release);
      },
    });

    const [runs, state] = (await during) ?? [[], null];
    expect(runs).toEqual([expect.objectContaining({ id: run.id, outcome: null, finishedAt: null })]);
    expect(state).toMatchObject({ isRunning: true });
    expect(await bed.state(customer)).toMatchObject({ isRunning: false, lastOutcome: 'success' });
  });
});
