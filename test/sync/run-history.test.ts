import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { PEOPLE, peopleCsv, useSyncBed } from './support.js';

describeEachDialect('run history and sync state', (dialect) => {
  const bed = useSyncBed(dialect);

  it('records when a run entered each phase, in order (the run page shows them as a timeline)', async () => {
    const customer = await bed.customer(peopleCsv(PEOPLE));
    const { run } = await bed.sync(customer);
    const phases = run.details?.phases as { phase: string; at: string }[];
    // The ending itself is the run's finishedAt.
    expect(phases.map((p) => p.phase)).toEqual(['queued', 'fetching', 'parsing', 'diffing', 'applying']);
    const times = phases.map((p) => Date.parse(p.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    bed.setSheet(customer, peopleCsv(PEOPLE), { private: true });
    const failed = (await bed.sync(customer)).run;
    expect((failed.details?.phases as { phase: string }[]).map((p) => p.phase)).toEqual([
      'queued',
      'fetching',
    ]);
  });

  it('appends every run to lead_sync_runs and keeps lead_sync_states current, whatever the outcome', async () => {
    const customer = await bed.customer(peopleCsv(PEOPLE));
    const sync = async () => (await bed.sync(customer)).run;
    const expectState = async (state: Record<string, unknown>) =>
      expect(await bed.state(customer)).toMatchObject({ isRunning: false, ...state });

    const first = await sync();
    expect(first.outcome).toBe('success');
    await expectState({ lastOutcome: 'success', lastErrorCode: null, consecutiveFailures: 0, rowCount: 6 });
    const firstSuccessAt = (await bed.state(customer)).lastSuccessAt;
    expect(firstSuccessAt).toBe(first.finishedAt);

    expect((await sync()).outcome).toBe('unchanged');
    const { lastSuccessAt } = await bed.state(customer);
    expect(lastSuccessAt && firstSuccessAt && lastSuccessAt > firstSuccessAt).toBe(true);
    await expectState({ lastOutcome: 'unchanged', rowCount: 6 });

    bed.setSheet(customer, peopleCsv(PEOPLE), { private: true });
    expect((await sync()).outcome).toBe('failed');
    await expectState({ lastOutcome: 'failed', lastErrorCode: 'SHEET_NOT_PUBLIC', consecutiveFailures: 1 });
    expect((await sync()).outcome).toBe('failed');
    await expectState({ consecutiveFailures: 2, errorCount: 2, lastSuccessAt, rowCount: 6 });

    bed.setSheet(customer, 'Name,Email,Company,Notes\n');
    expect((await sync()).outcome).toBe('needs_review');
    await expectState({ lastOutcome: 'needs_review', lastErrorCode: 'MASS_DELETE_HELD', lastSuccessAt });

    bed.setSheet(customer, peopleCsv([...PEOPLE, 'Gus']));
    const controller = new AbortController();
    const cancelled = await bed.sync(customer, {
      signal: controller.signal,
      onProgress: (p) => p.phase === 'applying' && controller.abort(),
    });
    expect(cancelled.run.outcome).toBe('cancelled');
    await expectState({
      lastOutcome: 'cancelled',
      lastErrorCode: 'SYNC_CANCELLED',
      lastSuccessAt,
      rowCount: 6,
    });

    const last = await sync();
    expect(last).toMatchObject({ outcome: 'success', rowsInserted: 1 });
    await expectState({
      lastOutcome: 'success',
      lastErrorCode: null,
      lastErrorMessage: null,
      consecutiveFailures: 0,
      rowCount: 7,
      lastSuccessAt: last.finishedAt,
      lastChecksum: last.checksum,
      rowsInserted: 1,
    });

    const runs = await bed.runs(customer);
    expect(runs.map((r) => r.outcome)).toEqual([
      'success',
      'cancelled',
      'needs_review',
      'failed',
      'failed',
      'unchanged',
      'success',
    ]);
    for (const run of runs) {
      expect(run.finishedAt).not.toBeNull();
      expect(run.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(runs.map((r) => r.error?.code ?? null)).toEqual([
      null,
      'SYNC_CANCELLED',
      'MASS_DELETE_HELD',
      'SHEET_NOT_PUBLIC',
      'SHEET_NOT_PUBLIC',
      null,
      null,
    ]);
  });
});
