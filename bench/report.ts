import { BASELINE_LABEL } from './baselines.js';
import type { Dialect } from './databases.js';
import type { Environment } from './environment.js';
import type { Stats } from './measure.js';
import type { ProfileSummary } from './profile.js';
import type { ScenarioResult } from './scenarios.js';
import * as T from './targets.js';

export interface Report {
  env: Environment;
  version: string;
  command: string;
  runs: string;
  startup: Stats;
  results: ScenarioResult[];
  notes: string[];
  profile: { label: string; summary: ProfileSummary } | null;
}

export const SCENARIO_LABEL = {
  full: 'full sync',
  unchanged: 'unchanged re-sync',
  changed: '1 % changed',
} as const;
const DIALECT_LABEL: Record<Dialect, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export const time = (ms: number): string =>
  !Number.isFinite(ms) ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
const spread = (s: Stats): string => (s.n > 1 ? ` (${time(s.min)}–${time(s.max)})` : '');
const num = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US') : '–');
const x = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '–');
const mark = (ok: boolean | null): string => (ok === null ? '–' : ok ? '✓' : '✗');
const verdict = (j: T.Judged): string => {
  if (j.met === null) return '–';
  const failed = [...(j.met ? [] : ['ratio']), ...(j.rssMet ? [] : ['RSS'])];
  return failed.length ? `✗ ${failed.join(', ')}` : '✓';
};

/** The results table: one row per size × dialect × scenario. */
export function resultsTable(results: readonly ScenarioResult[]): string {
  const head = [
    ['rows', 'dialect', 'scenario', 'process median (min–max)', 'run durationMs', 'baseline'],
    ['ratio (alt)', 'lead writes', 'peak RSS', 'target', 'met?'],
  ].flat();
  const lines = [row(head), row(head.map(() => '---'))];
  for (const r of results) {
    const j = T.judge(r, results);
    const writes = r.writes.length ? [...new Set(r.writes)].map(num).join('/') : '–';
    const db = r.dbCheck === 'exact' || r.dbCheck === 'unavailable' ? '' : ` (db: ${r.dbCheck})`;
    const baseline = r.baseline ? `${time(r.baseline.median)} ${BASELINE_LABEL[r.dialect]}` : '';
    lines.push(
      row([
        num(r.rows),
        DIALECT_LABEL[r.dialect],
        SCENARIO_LABEL[r.scenario] + (r.errors.length ? ` ⚠ ${r.errors.length} failed` : ''),
        time(r.wall.median) + spread(r.wall),
        time(r.duration.median) + spread(r.duration),
        baseline,
        `${x(j.ratio)} (${x(j.altRatio)})`,
        `${writes} ${j.writesExact ? '✓' : `✗ want ${num(r.expectedWrites)}`}${db}`,
        Number.isFinite(r.peakRssMb) ? `${Math.round(r.peakRssMb)} MB` : '–',
        j.target,
        verdict(j),
      ]),
    );
  }
  return lines.join('\n');
}

/** The issue's targets at 500k, the 500-row figure and the scaling ratio, with their verdicts. */
export function targetsTable(results: readonly ScenarioResult[]): string {
  const lines = [row(['target', 'measured', 'met?']), row(['---', '---', '---'])];
  const dialects = [...new Set(results.map((r) => r.dialect))];
  for (const d of dialects) {
    const at = (rows: number, s: ScenarioResult['scenario']) =>
      results.find((r) => r.dialect === d && r.rows === rows && r.scenario === s);
    for (const r of results.filter((r) => r.dialect === d && r.rows === T.TARGET_ROWS)) {
      const j = T.judge(r, results);
      const what = `${DIALECT_LABEL[d]} ${SCENARIO_LABEL[r.scenario]} ${j.target}, ${num(r.expectedWrites)} writes`;
      lines.push(
        row([what, `${x(j.ratio)}, ${[...new Set(r.writes)].map(num).join('/')} writes`, mark(j.met)]),
      );
    }
    const big = results.filter((r) => r.dialect === d && r.rows === T.TARGET_ROWS);
    if (big.length) {
      const peak = Math.max(...big.map((r) => r.peakRssMb));
      lines.push(
        row([
          `${DIALECT_LABEL[d]} peak RSS ≤ ${T.PEAK_RSS_MB} MB`,
          `${Math.round(peak)} MB`,
          mark(peak <= T.PEAK_RSS_MB),
        ]),
      );
    }
    const small = at(T.SMALL_SHEET_ROWS, 'full');
    if (small) {
      const ok = small.duration.median < T.SMALL_SHEET_MS;
      const measured = `${time(small.duration.median)} run (${time(small.wall.median)} process)`;
      lines.push(
        row([`${DIALECT_LABEL[d]} 500-row sheet end to end < ${T.SMALL_SHEET_MS} ms`, measured, mark(ok)]),
      );
    }
    const scale = T.scaling(results, d, T.TARGET_ROWS, 100_000);
    if (Number.isFinite(scale)) {
      lines.push(
        row([
          `${DIALECT_LABEL[d]} scaling 500k / 100k ≤ ${T.SCALING_RATIO}×`,
          x(scale),
          mark(scale <= T.SCALING_RATIO),
        ]),
      );
    }
  }
  return lines.length > 2 ? lines.join('\n') : '_No 500k, 500-row or 100k figures in this run._';
}

/** Top functions and areas by self time, from the profiled run. */
export function profileTable(p: ProfileSummary): string {
  const lines = [
    `Total sampled: ${time(p.totalMs)}.`,
    '',
    row(['self', '%', 'function', 'where']),
    row(['---:', '---:', '---', '---']),
  ];
  for (const e of p.top) lines.push(row([time(e.selfMs), e.percent.toFixed(1), `\`${e.name}\``, e.where]));
  lines.push('', row(['self', '%', 'area']), row(['---:', '---:', '---']));
  for (const e of p.byArea.slice(0, 12)) lines.push(row([time(e.selfMs), e.percent.toFixed(1), e.name]));
  return lines.join('\n');
}

export function markdown(r: Report): string {
  const { env } = r;
  return [
    '# Benchmarks',
    '',
    `Generated by \`${r.command}\` (see [bench/](../bench/) and "How it is measured" below). Re-run to refresh.`,
    '',
    row(['', '']),
    row(['---', '---']),
    row(['Date', env.date]),
    row(['Machine', env.machine]),
    row(['Load average', env.load]),
    row(['Node.js', env.node]),
    row(['SQLite', `${env.sqliteEngine}; shell for the baseline ${env.sqliteShell}`]),
    row(['PostgreSQL', env.postgres ?? 'not reachable: skipped']),
    row(['leadsync', `${r.version}, commit ${env.commit}`]),
    row(['Runs', `${r.runs}; medians, min–max in brackets`]),
    row([
      'Start-up',
      `${time(r.startup.median)}${spread(r.startup)} for \`node bin/leadsync.js --version\` (Node + tsx + imports)`,
    ]),
    '',
    ...(r.notes.length ? [...r.notes.map((n) => `> ${n}`), ''] : []),
    `## Targets (${num(T.TARGET_ROWS)} rows unless stated)`,
    '',
    targetsTable(r.results),
    '',
    '## All figures',
    '',
    resultsTable(r.results),
    '',
    ...(r.profile ? [`## CPU profile: ${r.profile.label}`, '', profileTable(r.profile.summary), ''] : []),
    METHOD,
  ].join('\n');
}

const row = (cells: readonly string[]): string =>
  `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;

const METHOD = `## How it is measured

- **Data**: \`../shared/bench/gen-leads-csv.js\` (20 columns, accents, CJK, quoted commas, multi-line notes), cached by size in \`bench/.data/\`; the 1 %-changed file (\`--mutate\`) changes Status, Score and Notes of every row with i % 100 = 0.
- **Source**: a local HTTP server that answers like Google's CSV export (\`GET /spreadsheets/d/<id>/export?format=csv&gid=0\`, \`200 text/csv; charset=utf-8\`, chunked, streamed from disk), reached through \`GOOGLE_SHEETS_BASE_URL\`.
- **Engine**: \`node bin/leadsync.js sync <sheet link> --customer bench --json\`, a fresh process per run, the same code path as the service and the CLI.
- **Scenarios**: *full sync* into an empty database (a new SQLite file, a new PostgreSQL database); *unchanged re-sync* and *1 % changed* each start from a copy of the last full sync's database (file copy; \`CREATE DATABASE … TEMPLATE … STRATEGY FILE_COPY\`), made before the clock starts.
- **process** = wall time from spawn to exit, as seen by the harness (includes the start-up above); **run durationMs** = the run's own \`durationMs\` (fetch to commit, what a service run costs).
- **ratio**: a full sync's process time over the baseline's process time (in brackets: run time over baseline); a re-sync's run time over the full sync's run time (in brackets: the same with process times).
- **baseline**: \`sqlite3 DB ".import --csv --skip 1 FILE t"\` and \`psql -c "\\copy t FROM 'FILE' CSV HEADER"\`, into a fresh table of 20 TEXT columns with PRIMARY KEY on Lead ID, on the same file in the same run, interleaved with the full syncs; only the load is timed.
- **lead writes** = rowsInserted + rowsUpdated + rowsDeleted from the run; ✓ when exactly rows (full), 0 (unchanged) or rows/100 (1 %). The database is also asked which leads have \`updatedAt\` ≥ the run's start: for the 1 % run they must be exactly the mutated Lead IDs (shown only when they are not).
- **peak RSS** = GNU time's \`%M\` (the kernel's ru_maxrss of the synced process), the highest over the runs. /proc's VmHWM is the same high-water mark, but it can only be read while the process lives, so a poll can miss the last moments before exit.
- Targets are judged at 500,000 rows only (met? is "–" elsewhere); the 500-row figure is judged on run time, since the start-up of a fresh process is not part of a service run; scaling is on run time.
`;
