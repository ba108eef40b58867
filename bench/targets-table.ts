import { BASELINE_LABEL } from './baselines.js';
import { DOWNLOAD_LABEL } from './download-baseline.js';
import { DIALECT_LABEL, mark, mb, num, SCENARIO_LABEL, spread, table, time, x } from './format.js';
import type { Stats } from './measure.js';
import type { Scenario, ScenarioResult } from './scenarios.js';
import type { ServiceResult } from './service-scenario.js';
import * as T from './targets.js';

export interface TargetInputs {
  results: readonly ScenarioResult[];
  service: readonly ServiceResult[];
  startup: Stats;
}

/**
 * Issue #10's targets table: one row per target and dialect with the measured value, the goal and
 * the verdict. A run without 500,000 rows shows its largest size instead, unjudged ("–"), so a
 * smoke run still shows every figure; the 500-row, idle-memory and start-up targets are judged
 * whenever they are measured.
 */
export function targetsTable({ results, service, startup }: TargetInputs): string {
  const sizes = [...results.map((r) => r.rows), ...service.map((s) => s.rows)];
  if (sizes.length === 0 && startup.n === 0) return '_Nothing measured._';
  const size = sizes.includes(T.TARGET_ROWS) ? T.TARGET_ROWS : Math.max(...sizes);
  const judged = size === T.TARGET_ROWS;
  const at = judged ? '' : ` (at ${num(size)} rows)`;
  const verdict = (ok: boolean | null): string => (judged ? mark(ok) : '–');
  const rows: string[][] = [];
  const dialects = [...new Set([...results.map((r) => r.dialect), ...service.map((s) => s.dialect)])];
  for (const d of dialects) {
    const D = DIALECT_LABEL[d];
    const find = (s: Scenario, n = size) =>
      results.find((r) => r.dialect === d && r.rows === n && r.scenario === s);
    const full = find('full');
    if (full) {
      const j = T.judge(full, results);
      const measured = `${x(j.ratio)} (${time(full.wall.median)} / ${time(full.baseline?.median ?? NaN)}), ${writes(full)} writes`;
      rows.push([`full sync / \`${BASELINE_LABEL[d]}\``, D, measured + at, `≤ ${j.limit}×`, verdict(j.met)]);
    }
    const unchanged = find('unchanged');
    if (unchanged) {
      const j = T.judge(unchanged, results);
      const measured = `${x(j.ratio)} run (${x(j.altRatio)} process), ${writes(unchanged)} writes`;
      rows.push([
        `unchanged re-sync / (${DOWNLOAD_LABEL})`,
        D,
        measured + at,
        `≤ ${j.limit}×, 0 writes`,
        verdict(j.met),
      ]);
    }
    const changed = find('changed');
    if (changed) {
      const j = T.judge(changed, results);
      const goal = `≤ ${j.limit}×, exactly ${num(changed.expectedWrites)} writes`;
      rows.push([
        `1 % changed / full sync (run times)`,
        D,
        `${x(j.ratio)}, ${writes(changed)} writes${at}`,
        goal,
        verdict(j.met),
      ]);
    }
    const peaks: [string, number][] = [
      ...results
        .filter((r) => r.dialect === d && r.rows === size)
        .map((r): [string, number] => [SCENARIO_LABEL[r.scenario], r.peakRssMb]),
      ...service
        .filter((s) => s.dialect === d && s.rows === size)
        .map((s): [string, number] => ['service mode', s.peakRssMb]),
    ].filter(([, v]) => Number.isFinite(v));
    if (peaks.length) {
      const [worst, peak] = peaks.reduce((a, b) => (b[1] > a[1] ? b : a));
      rows.push([
        'peak RSS, every scenario',
        D,
        `${mb(peak)} (${worst})${at}`,
        `≤ ${T.PEAK_RSS_MB} MB`,
        verdict(peak <= T.PEAK_RSS_MB),
      ]);
    }
    const small = find('full', T.SMALL_SHEET_ROWS);
    if (small) {
      const ok = small.duration.median < T.SMALL_SHEET_MS;
      const measured = `${time(small.duration.median)} run (${time(small.wall.median)} process)`;
      rows.push([
        `${num(T.SMALL_SHEET_ROWS)}-row sheet, run time`,
        D,
        measured,
        `< ${T.SMALL_SHEET_MS} ms`,
        mark(ok),
      ]);
    }
    const s = service.find((v) => v.dialect === d && v.rows === size);
    if (s) {
      const j = T.judgeService(s);
      const latency = `${time(s.latency.p99)} / ${time(s.latency.max)} (${num(s.latency.n)} polls)`;
      const goal = `< ${T.STATUS_P99_MS} ms / < ${T.STATUS_MAX_MS} ms`;
      rows.push([
        'status p99 / max during the sync (service mode)',
        D,
        latency + at,
        goal,
        verdict(s.errors.length === 0 && j.latencyMet),
      ]);
      const applying = s.phases.find((p) => p.phase === 'applying');
      const seen = applying
        ? `yes, ${applying.minPercent}–${applying.maxPercent} % (${applying.polls} polls)`
        : 'no';
      rows.push(['`applying` seen by the 10 Hz poller', D, seen + at, 'seen', verdict(s.applyingSeen)]);
      rows.push(['idle `leadsync serve` RSS', D, mb(s.idleRssMb), `< ${T.IDLE_RSS_MB} MB`, mark(j.idleMet)]);
      if (s.feed) {
        const read = `${num(Math.round(s.feed.perSecond))} changes/s (${num(s.feed.changes)} in ${time(s.feed.ms)})`;
        const goal = `≥ ${num(T.FEED_PER_SECOND)} changes/s`;
        rows.push([
          'change feed read (`GET /api/leads/changes`, limit 1000)',
          D,
          read + at,
          goal,
          verdict(j.feedMet === true),
        ]);
      }
    }
    const scale = T.scaling(results, d, T.TARGET_ROWS, 100_000);
    if (Number.isFinite(scale)) {
      rows.push([
        'scaling 500k / 100k full sync (run times)',
        D,
        x(scale),
        `≤ ${T.SCALING_RATIO}×`,
        mark(scale <= T.SCALING_RATIO),
      ]);
    }
  }
  if (startup.n > 0) {
    const measured = `${time(startup.median)}${spread(startup)}, median of ${startup.n}`;
    rows.push([
      '`leadsync --version`',
      'both',
      measured,
      `≤ ${T.STARTUP_MS} ms`,
      mark(startup.median <= T.STARTUP_MS),
    ]);
  }
  return table(['target', 'dialect', 'measured', 'goal', 'met?'], rows);
}

const writes = (r: ScenarioResult): string =>
  r.writes.length ? [...new Set(r.writes)].map(num).join('/') : '–';
