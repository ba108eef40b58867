import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { format, resolveConfig } from 'prettier';
import type { DueQueryFigures } from './due-query.js';
import type { PhaseFigures } from './fleet-phase.js';

export interface FleetSettings {
  customers: number;
  minutes: number;
  workers: number[];
  quotaPerMinute: number;
  ttfbMs: [number, number];
  concurrency: number;
  intervalMinutes: number;
  zeroSeconds: number;
  backlogSeconds: number;
  dueCustomers: number;
}

export interface FleetResults {
  settings: FleetSettings;
  warmupSeconds: number;
  phases: PhaseFigures[];
  backlog: PhaseFigures | null;
  zero: PhaseFigures | null;
  due: DueQueryFigures[];
}

const NOTES = '<!-- notes -->';
const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const met = (ok: boolean) => (ok ? 'met' : '**missed**');

function goals(r: FleetResults): string[] {
  const s = r.settings;
  const two = r.phases.find((p) => p.workers === 2);
  const four = r.backlog;
  const pg = r.due.find((d) => d.dialect === 'postgres');
  const rows = ['| measure | goal | measured | met? |', '| --- | --- | --- | --- |'];
  if (two)
    rows.push(
      `| ${s.customers.toLocaleString('en')} customers, ${s.intervalMinutes}-minute schedule, 2 workers, quota ${s.quotaPerMinute.toLocaleString('en')}/min | lag p95 < 30 s, max < 120 s | p95 ${f(two.lagP95s)} s, max ${f(two.lagMaxS)} s | ${met(two.lagP95s < 30 && two.lagMaxS < 120)} |`,
    );
  if (r.zero)
    rows.push(
      `| one worker, unchanged 300-row sheets, zero latency | ≥ 100 syncs/s | ${f(r.zero.syncsPerSecond)} syncs/s | ${met(r.zero.syncsPerSecond >= 100)} |`,
    );
  if (four) {
    const busiest = four.googleBusiestMinute;
    rows.push(
      `| ${four.workers} workers, shared quota Q = ${s.quotaPerMinute}/min | never above Q in any 60 s window | busiest 60 s: ${Number.isFinite(busiest) ? busiest : 'n/a (phase < 60 s)'}; ${four.rejected429} × 429 | ${met(Number.isFinite(busiest) && busiest <= s.quotaPerMinute)} |`,
      `| ${four.workers} workers, backlogged | ≥ 0.9 Q | ${f((busiest / s.quotaPerMinute) * 100, 0)} % of Q in the busiest 60 s; mean ${f(four.googlePerMinute, 0)}/min over the phase (its first minute fills) | ${met(busiest >= 0.9 * s.quotaPerMinute)} |`,
    );
  }
  if (pg)
    rows.push(
      `| due query, ${pg.customers.toLocaleString('en')} customers, 1 % due | < 5 ms | claim p50 ${f(pg.claimP50Ms, 2)} ms (p95 ${f(pg.claimP95Ms, 2)}); before ${f(pg.oldShapeP50Ms, 2)} ms | ${met(pg.claimP50Ms < 5)} |`,
    );
  if (r.zero)
    rows.push(
      `| worker RSS with ${s.concurrency} syncs in flight | < 256 MB | ${f(r.zero.rssMaxMb, 0)} MB | ${met(r.zero.rssMaxMb < 256)} |`,
      `| unchanged 300-row sync: worker CPU | ≤ 10 ms | ${f(r.zero.cpuMsPerSync)} ms | ${met(r.zero.cpuMsPerSync <= 10)} |`,
      `| unchanged 300-row sync: round trips | ≤ 12 | ${f(r.zero.roundTripsPerSync)} | ${met(r.zero.roundTripsPerSync <= 12)} |`,
    );
  return rows;
}

function phaseTable(phases: PhaseFigures[]): string[] {
  const head =
    '| phase | s | syncs | syncs/s | changed | failed | Google req/min (busiest 60 s) | 429s | lag p50 / p95 / max s | run p50 / p95 ms | CPU ms/sync | round trips/sync | rows written/sync | connections | RSS max MB |';
  return [
    head,
    `|${head
      .split('|')
      .slice(1, -1)
      .map(() => ' --- ')
      .join('|')}|`,
    ...phases.map(
      (p) =>
        `| ${p.label} | ${f(p.seconds, 0)} | ${p.syncs} | ${f(p.syncsPerSecond)} | ${p.changed} | ${p.failed} | ${f(p.googlePerMinute, 0)} (${Number.isFinite(p.googleBusiestMinute) ? p.googleBusiestMinute : 'n/a'}) | ${p.rejected429} | ${f(p.lagP50s)} / ${f(p.lagP95s)} / ${f(p.lagMaxS)} | ${f(p.durationP50Ms, 0)} / ${f(p.durationP95Ms, 0)} | ${f(p.cpuMsPerSync)} | ${f(p.roundTripsPerSync)} | ${f(p.rowsWrittenPerSync)} | ${p.connectionsMax} | ${f(p.rssMaxMb, 0)} |`,
    ),
  ];
}

/** docs/FLEET.md from one run of `npm run bench:fleet`. */
export async function writeFleetReport(file: string, r: FleetResults): Promise<void> {
  const s = r.settings;
  const pg = r.due.find((d) => d.dialect === 'postgres');
  const lines = [
    '# Fleet figures',
    '',
    '<!-- Written by `npm run bench:fleet` (bench/fleet.ts); the notes after the notes marker at the end are kept. -->',
    '',
    `Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), PostgreSQL on the same machine: ` +
      `\`npm run bench:fleet -- --customers ${s.customers} --minutes ${s.minutes} --workers ${s.workers.join(',')} --quota ${s.quotaPerMinute} --ttfb ${s.ttfbMs.join('-')} --concurrency ${s.concurrency}\`.`,
    '',
    `${s.customers.toLocaleString('en')} customers on a ${s.intervalMinutes}-minute schedule; sheets log-normal, median 300 rows, 5 % over 5,000 (at most 20,000); ` +
      `1 % of requests find their sheet changed; fake Google export with time to first byte ${s.ttfbMs[0]}-${s.ttfbMs[1]} ms and a quota of ${s.quotaPerMinute.toLocaleString('en')} requests per sliding minute for all clients (429 + Retry-After beyond it); ` +
      `\`LEADSYNC_WORKER_CONCURRENCY=${s.concurrency}\`, \`LEADSYNC_GOOGLE_PROJECT_RATE_PER_MINUTE=${s.quotaPerMinute}\`. ` +
      `The first import of every sheet (not timed in the phases) took ${f(r.warmupSeconds, 0)} s with 2 workers. Each phase then starts with every schedule spread evenly over one interval.`,
    '',
    '## Goals',
    '',
    ...goals(r),
    '',
    '## Phases',
    '',
    ...phaseTable([...r.phases, ...(r.backlog ? [r.backlog] : []), ...(r.zero ? [r.zero] : [])]),
    '',
    "Lag: a run's start minus when it was due (its spread start time, then its previous run's end plus the interval); customers still waiting at the end count with the lag they have then. " +
      'CPU: user + system seconds of the worker processes over the phase, per finished sync (claims, the notification dispatcher and idle polls included). ' +
      'Round trips: every PostgreSQL query of the worker processes (counted by bench/fleet-query-counter.js), per finished sync. ' +
      'Rows written: inserted + updated + deleted rows of the database (pg_stat_database), per finished sync. Connections: the most open at once (`application_name = leadsync`).',
    '',
    '## Due query',
    '',
    '| dialect | customers | claim p50 ms | claim p95 ms | the query before migration 0011, p50 ms |',
    '| --- | --- | --- | --- | --- |',
    ...r.due.map(
      (d) =>
        `| ${d.dialect} | ${d.customers.toLocaleString('en')} | ${f(d.claimP50Ms, 2)} | ${f(d.claimP95Ms, 2)} | ${f(d.oldShapeP50Ms, 2)} |`,
    ),
    '',
    "The claim is the whole statement (select, lock, update, commit: 16 customers at a time); the old figure is its selection alone. PostgreSQL's plan of the claim (`EXPLAIN ANALYZE`, rolled back):",
    '',
    '```',
    pg?.explain ?? '(PostgreSQL not measured)',
    '```',
    '',
  ];
  // Hand-written notes (after the marker) survive a new run.
  const previous = await readFile(file, 'utf8').catch(() => '');
  const notes = previous.includes(NOTES) ? previous.slice(previous.indexOf(NOTES)) : `${NOTES}\n`;
  // Formatted as the repository's check wants it (tables padded).
  await writeFile(
    file,
    await format(lines.join('\n') + notes, {
      ...(await resolveConfig(file)),
      parser: 'markdown',
      filepath: file,
    }),
  );
}
