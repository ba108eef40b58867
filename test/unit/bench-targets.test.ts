// The bench's verdicts (issue #10's targets): which figure each ratio divides by, and which
// targets a partial run may judge. The measurements themselves are exercised by `npm run bench -- --quick`.
import { describe, expect, it } from 'vitest';
import { percentiles, stats } from '../../bench/measure.js';
import type { ScenarioResult } from '../../bench/scenarios.js';
import type { ServiceResult } from '../../bench/service-scenario.js';
import { targetsTable } from '../../bench/targets-table.js';
import { judge } from '../../bench/targets.js';

const result = (over: Partial<ScenarioResult>): ScenarioResult => ({
  ...{ rows: 500_000, dialect: 'sqlite', scenario: 'full', wall: stats([1000]), duration: stats([900]) },
  ...{ peakRssMb: 200, baseline: null, floor: null, writes: [0], expectedWrites: 0, dbCheck: 'exact' },
  errors: [],
  ...over,
});

const service = (over: Partial<ServiceResult>): ServiceResult => ({
  ...{ rows: 500_000, dialect: 'sqlite', idleRssMb: 80, peakRssMb: 200, applyingLatency: null },
  ...{ latency: percentiles([5, 5, 5, 300]), phases: [], applyingSeen: true, runMs: 1, wallMs: 1 },
  ...{ outcome: 'success', writes: 500_000, expectedWrites: 500_000, harnessLagMaxMs: 1, errors: [] },
  ...over,
});

const rowOf = (table: string, target: string, dialect = 'SQLite'): string[] =>
  (table.split('\n').find((l) => l.includes(target) && l.includes(`| ${dialect} |`)) ?? '')
    .split(' | ')
    .map((c) => c.replace(/^\| |\s\|$/g, ''));

describe('bench percentiles', () => {
  it('uses nearest rank, so p99 of fewer than 100 polls is the slowest one', () => {
    expect(percentiles([30, 10, 20, 40])).toEqual({ p50: 20, p99: 40, max: 40, n: 4 });
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(hundred)).toMatchObject({ p50: 50, p99: 99, max: 100 });
  });
});

describe('bench targets', () => {
  it('divides an unchanged run by download + SHA-1 without start-up, and keeps process over process as the alternative', () => {
    const unchanged = result({
      scenario: 'unchanged',
      duration: stats([300]),
      wall: stats([1000]),
      floor: { run: stats([200]), wall: stats([250]) },
    });
    const j = judge(unchanged, [unchanged]);
    expect(j.ratio).toBe(1.5);
    expect(j.altRatio).toBe(4);
    expect(j.met).toBe(true);
  });

  it('misses the 1 % target on a wrong write count even when fast enough', () => {
    const full = result({ duration: stats([1000]), writes: [500_000], expectedWrites: 500_000 });
    const changed = result({
      scenario: 'changed',
      duration: stats([100]),
      writes: [5001],
      expectedWrites: 5000,
    });
    expect(judge(changed, [full, changed]).met).toBe(false);
  });

  it('judges status latency on its max and the peak RSS over every scenario, service mode included', () => {
    const table = targetsTable({
      results: [result({ peakRssMb: 200 })],
      service: [service({ peakRssMb: 300 })],
      startup: stats([200]),
    });
    expect(rowOf(table, 'status p99 / max').at(-1)).toBe('✗');
    expect(rowOf(table, 'peak RSS')[2]).toContain('300 MB (service mode)');
    expect(rowOf(table, 'peak RSS').at(-1)).toBe('✗');
    expect(rowOf(table, 'idle').at(-1)).toBe('✓');
    expect(rowOf(table, '--version', 'both').at(-1)).toBe('✓');
  });

  it('shows a smaller run at its largest size unjudged, but still judges idle memory and start-up', () => {
    const table = targetsTable({
      results: [result({ rows: 10_000 })],
      service: [service({ rows: 10_000, idleRssMb: 150 })],
      startup: stats([700]),
    });
    expect(rowOf(table, 'status p99 / max')[2]).toContain('(at 10,000 rows)');
    expect(rowOf(table, 'status p99 / max').at(-1)).toBe('–');
    expect(rowOf(table, 'idle').at(-1)).toBe('✗');
    expect(rowOf(table, '--version', 'both').at(-1)).toBe('✗');
  });

  it('judges the change feed read at 10,000 changes a second, and leaves it out of results without one', () => {
    const fast = { changes: 100_000, ms: 5000, perSecond: 20_000 };
    const slow = { changes: 100_000, ms: 20_000, perSecond: 5000 };
    const table = (feed?: typeof fast) =>
      targetsTable({
        results: [result({})],
        service: [service(feed ? { feed } : {})],
        startup: stats([200]),
      });
    expect(rowOf(table(fast), 'change feed read').at(-1)).toBe('✓');
    expect(rowOf(table(fast), 'change feed read')[2]).toContain('20,000 changes/s');
    expect(rowOf(table(slow), 'change feed read').at(-1)).toBe('✗');
    expect(rowOf(table(), 'change feed read')).toEqual(['']);
  });
});
