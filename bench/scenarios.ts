import { measureBaseline } from './baselines.js';
import { mutatedLeadIds, type Dataset } from './data.js';
import { exportUrl, measureDownload, sha1OfFile, type DownloadSample } from './download-baseline.js';
import type { BenchDb, DbFactory, Dialect } from './databases.js';
import type { ExportServer } from './export-server.js';
import { stats, type Stats } from './measure.js';
import { syncOnce, type SyncSample } from './sync-process.js';

export type Scenario = 'full' | 'unchanged' | 'changed';
export const SCENARIOS: readonly Scenario[] = ['full', 'unchanged', 'changed'];

export interface ScenarioResult {
  rows: number;
  dialect: Dialect;
  scenario: Scenario;
  /** Process wall time, spawn → exit (ms). */
  wall: Stats;
  /** The run's own durationMs. */
  duration: Stats;
  /** Highest peak RSS over the runs (MiB). */
  peakRssMb: number;
  /** The database's own loader on the same file (process time); full sync only. */
  baseline: Stats | null;
  /** Download + SHA-1 of the same body, in-process time and process time; unchanged re-sync only. */
  floor: { run: Stats; wall: Stats } | null;
  writes: number[];
  expectedWrites: number;
  /** What the database says was written, checked against the expected Lead IDs. */
  dbCheck: 'exact' | 'unavailable' | (string & {});
  errors: string[];
}

export interface ScenarioContext {
  cli: string;
  server: ExportServer;
  factory: DbFactory;
  pgServerUrl: string;
  runs: number;
  /** Which of the three to measure; a re-sync still needs one (unreported) full sync to start from. */
  scenarios: ReadonlySet<Scenario>;
  /** Runs this scenario once more under `node --cpu-prof` (not counted in the figures). */
  profile?: { scenario: Scenario; nodeFlags: string[] };
}

/**
 * Full sync into an empty database N times (interleaved with the baseline), then the
 * unchanged and the 1 %-changed re-syncs, each on its own copy of the last full sync's database.
 */
export async function runDialect(ctx: ScenarioContext, data: Dataset): Promise<ScenarioResult[]> {
  const { factory, server } = ctx;
  const runs = (s: Scenario): number => (ctx.scenarios.has(s) ? ctx.runs : 0);
  const id = spreadsheetId(data.rows);
  const prefix = `lsbench_${factory.dialect}_${data.rows}`;
  const results: ScenarioResult[] = [];
  const baseline: number[] = [];
  const full = emptyResult(data.rows, factory.dialect, 'full', data.rows);
  let seed: BenchDb | null = null;
  server.serve(id, data.base);
  // A re-sync alone still needs a synced database: one full sync, not reported.
  const fullRuns = runs('full') || (runs('unchanged') || runs('changed') ? 1 : 0);
  for (let i = 0; i < fullRuns; i++) {
    if (runs('full')) {
      try {
        const b = await measureBaseline(factory.dialect, data.base, data.rows, ctx.pgServerUrl);
        baseline.push(b.wallMs);
        console.error(`  ${factory.dialect} ${data.rows} baseline #${i + 1}: ${ms(b.wallMs)}`);
      } catch (error) {
        full.errors.push(`baseline: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const db = await factory.empty(`${prefix}_full_${i}`);
    if (await record(ctx, full, db, id, i + 1)) {
      if (seed) await factory.drop(seed);
      seed = db;
    } else await factory.drop(db);
  }
  if (runs('full')) results.push(finish(full, { baseline }));
  const bodySha1 = runs('unchanged') ? await sha1OfFile(data.base) : '';
  for (const scenario of ['unchanged', 'changed'] as const) {
    if (!runs(scenario)) continue;
    const result = emptyResult(
      data.rows,
      factory.dialect,
      scenario,
      scenario === 'changed' ? Math.ceil(data.rows / 100) : 0,
    );
    if (!seed) {
      result.errors.push('no successful full sync to start from');
      results.push(finish(result, {}));
      continue;
    }
    server.serve(id, scenario === 'changed' ? data.mutated : data.base);
    const floor: DownloadSample[] = [];
    for (let i = 0; i < runs(scenario); i++) {
      // The floor of an unchanged run, interleaved with those runs so both see the same machine.
      if (scenario === 'unchanged') {
        try {
          floor.push(await measureDownload(exportUrl(server.baseUrl, id), bodySha1));
          const f = floor.at(-1);
          console.error(
            `  ${factory.dialect} ${data.rows} download + SHA-1 #${i + 1}: ${ms(f?.runMs ?? NaN)} (${ms(f?.wallMs ?? NaN)} process)`,
          );
        } catch (error) {
          result.errors.push(`download + SHA-1: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const db = await factory.copyOf(seed, `${prefix}_${scenario}_${i}`);
      await record(ctx, result, db, id, i + 1);
      await factory.drop(db);
    }
    results.push(finish(result, scenario === 'unchanged' ? { floor } : {}));
  }
  if (ctx.profile && seed) {
    // A failed profile run costs the profile, not the figures already taken.
    await profileOnce(ctx, seed, data, id, prefix).catch((e: unknown) =>
      console.error(`  profile run failed: ${String(e)}`),
    );
  }
  server.serve(id, data.base);
  if (seed) await factory.drop(seed);
  return results;
}

interface Collecting extends ScenarioResult {
  samples: SyncSample[];
}

function emptyResult(rows: number, dialect: Dialect, scenario: Scenario, expectedWrites: number): Collecting {
  const none = stats([]);
  return {
    ...{ rows, dialect, scenario, expectedWrites, samples: [], writes: [], errors: [] },
    ...{ wall: none, duration: none, peakRssMb: NaN, baseline: null, floor: null, dbCheck: 'unavailable' },
  };
}

/** One measured run; returns whether it succeeded. */
async function record(
  ctx: ScenarioContext,
  into: Collecting,
  db: BenchDb,
  id: string,
  n: number,
): Promise<boolean> {
  const label = `${into.dialect} ${into.rows} ${into.scenario} #${n}`;
  try {
    const sample = await syncOnce(target(ctx, db, id));
    into.samples.push(sample);
    into.writes.push(sample.writes);
    const check = await checkWritten(ctx.factory, db, sample, into);
    if (into.dbCheck === 'unavailable' || into.dbCheck === 'exact') into.dbCheck = check;
    const { wallMs, run, writes, peakRssMb } = sample;
    console.error(
      `  ${label}: ${ms(wallMs)} process, ${ms(run.durationMs)} run, ${writes} writes (db: ${check}), ${peakRssMb.toFixed(0)} MB`,
    );
    return true;
  } catch (error) {
    into.errors.push(error instanceof Error ? error.message : String(error));
    console.error(`  ${label}: FAILED ${into.errors.at(-1)}`);
    return false;
  }
}

async function checkWritten(factory: DbFactory, db: BenchDb, s: SyncSample, r: Collecting): Promise<string> {
  const keys = await factory.keysWrittenSince(db, s.run.startedAt);
  if (keys === null) return 'unavailable';
  if (r.scenario !== 'changed')
    return keys.length === r.expectedWrites ? 'exact' : `${keys.length} rows written`;
  const expected = new Set(mutatedLeadIds(r.rows));
  // The engine may prefix or re-case its keys (`id:LD-00000001`): compare the Lead ID inside.
  const leadIds = keys.map((k) => /LD-\d{8}/i.exec(k)?.[0].toUpperCase() ?? k);
  const unexpected = leadIds.filter((k) => !expected.has(k)).length;
  const missing = expected.size - (keys.length - unexpected);
  return unexpected === 0 && missing === 0 ? 'exact' : `${unexpected} unexpected, ${missing} missing`;
}

function finish(r: Collecting, extra: { baseline?: number[]; floor?: DownloadSample[] }): ScenarioResult {
  const { samples, ...rest } = r;
  return {
    ...rest,
    wall: stats(samples.map((s) => s.wallMs)),
    duration: stats(samples.map((s) => s.run.durationMs)),
    peakRssMb: samples.length ? Math.max(...samples.map((s) => s.peakRssMb)) : NaN,
    baseline: extra.baseline ? stats(extra.baseline) : null,
    floor: extra.floor
      ? { run: stats(extra.floor.map((f) => f.runMs)), wall: stats(extra.floor.map((f) => f.wallMs)) }
      : null,
  };
}

async function profileOnce(ctx: ScenarioContext, seed: BenchDb, data: Dataset, id: string, prefix: string) {
  const { scenario, nodeFlags } = ctx.profile ?? { scenario: 'full', nodeFlags: [] };
  const db =
    scenario === 'full'
      ? await ctx.factory.empty(`${prefix}_prof`)
      : await ctx.factory.copyOf(seed, `${prefix}_prof`);
  ctx.server.serve(id, scenario === 'changed' ? data.mutated : data.base);
  const sample = await syncOnce({ ...target(ctx, db, id), nodeFlags });
  await ctx.factory.drop(db);
  console.error(`  profiled ${scenario}: ${sample.run.durationMs} ms under --cpu-prof`);
}

const ms = (x: number): string => `${Math.round(x)} ms`;

const target = (ctx: ScenarioContext, db: BenchDb, spreadsheetId: string) => ({
  cli: ctx.cli,
  db,
  exportBaseUrl: ctx.server.baseUrl,
  spreadsheetId,
});

/** A Google-looking spreadsheet id (44 characters), one per size. */
export function spreadsheetId(rows: number): string {
  return `1LeadsyncBench${String(rows).padStart(30, '0')}`;
}
