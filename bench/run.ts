// `npm run bench`: leadsync's sync engine against the databases' own CSV loaders and a plain
// download + SHA-1, on generated sheets of 500 to 500,000 rows, plus the service under a polling
// client. See docs/BENCHMARKS.md for the figures and how they are taken.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DATA_DIR, ensureDataset, REPO_ROOT } from './data.js';
import { postgresFactory, psql, sqliteFactory, type DbFactory, type Dialect } from './databases.js';
import { describeEnvironment, ensureTools, loadWarning } from './environment.js';
import { startExportServer } from './export-server.js';
import { stats } from './measure.js';
import { HELP, parseOptions, type Options } from './options.js';
import { summarizeMainProfile } from './profile.js';
import {
  markdown,
  SCENARIO_LABEL,
  resultsTable,
  profileTable,
  serviceTable,
  time,
  type Report,
} from './report.js';
import { runDialect, type ScenarioResult } from './scenarios.js';
import { runService, type ServiceResult } from './service-scenario.js';
import { startupOnce } from './sync-process.js';
import { targetsTable } from './targets-table.js';
import { pushSection } from './push-section.js';

/** The push bench's section (bench/push-bench.ts) of the current file, kept under the new text. */
async function keepingPushSection(text: string): Promise<string> {
  const kept = existsSync(OUTPUT) ? pushSection(await readFile(OUTPUT, 'utf8')) : '';
  return kept ? `${text.trimEnd()}\n\n${kept}\n` : text;
}

const PROFILE_DIR = path.join(DATA_DIR, 'prof');
const OUTPUT = path.join(REPO_ROOT, 'docs', 'BENCHMARKS.md');
const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  if (opts === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (opts.render) {
    const saved = JSON.parse(await readFile(opts.render, 'utf8')) as Report;
    await writeFile(OUTPUT, await keepingPushSection(markdown(saved)));
    console.error(`Wrote ${path.relative(REPO_ROOT, OUTPUT)} from ${opts.render}`);
    return 0;
  }
  ensureTools();
  if (!existsSync(opts.cli)) throw new Error(`${opts.cli} not found: is the CLI built yet?`);
  const notes: string[] = [];
  const loadAtStart = os.loadavg()[0] ?? 0;
  const busy = loadWarning(loadAtStart);
  if (busy) {
    notes.push(busy);
    console.error(busy);
  }
  const pgVersion = opts.dialects.includes('postgres') ? await postgresVersion(opts, notes) : null;
  const dialects = opts.dialects.filter((d) => d !== 'postgres' || pgVersion !== null);
  const factories = new Map<Dialect, DbFactory>([
    ['sqlite', sqliteFactory()],
    ['postgres', postgresFactory(opts.pgUrl)],
  ]);
  await cleanLeftovers(pgVersion !== null ? opts.pgUrl : null);

  const startupRuns = opts.parts.has('startup') ? (opts.quick ? 5 : 10) : 0;
  console.error(startupRuns ? 'Start-up (leadsync --version)…' : 'Start-up: skipped');
  const startup = stats(await sequence(startupRuns, async () => (await startupOnce(opts.cli)).wallMs));
  if (startupRuns) console.error(`  ${time(startup.median)}`);

  const server = await startExportServer();
  const results: ScenarioResult[] = [];
  const service: ServiceResult[] = [];
  const largest = Math.max(...opts.sizes);
  try {
    for (const rows of opts.sizes) {
      console.error(`${rows.toLocaleString('en-US')} rows: data…`);
      const data = await ensureDataset(rows);
      for (const dialect of dialects) {
        const profile = opts.cpuProf && rows === largest && dialect === dialects[0];
        if (profile) await rm(PROFILE_DIR, { recursive: true, force: true });
        const ctx = {
          ...{
            cli: opts.cli,
            server,
            factory: factories.get(dialect) ?? sqliteFactory(),
            pgServerUrl: opts.pgUrl,
          },
          runs: opts.runsFor(rows),
          scenarios: opts.scenarios,
          ...(profile && opts.cpuProf
            ? {
                profile: {
                  scenario: opts.cpuProf,
                  nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`],
                },
              }
            : {}),
        };
        if (opts.scenarios.size) results.push(...(await runDialect(ctx, data)));
        // Once, at the largest size: it is the 500k apply the status latency target is about.
        if (opts.parts.has('service') && rows === largest) service.push(await runService(ctx, data));
      }
    }
  } finally {
    await server.close();
  }

  const profile = opts.cpuProf ? await readProfile(opts, dialects[0], largest, notes) : null;
  const report: Report = {
    ...{
      env: describeEnvironment(pgVersion, loadAtStart),
      version: await packageVersion(),
      command: opts.command,
    },
    ...{ runs: opts.runsLabel, startup, results, service, notes, profile },
  };
  const failures = [
    ...results.flatMap((r) => r.errors.map((e) => `${r.dialect} ${r.rows} ${r.scenario}: ${e}`)),
    ...service.flatMap((s) => s.errors.map((e) => `${s.dialect} ${s.rows} service: ${e}`)),
  ];
  printSummary(report, failures);
  await saveResults(report);
  if (opts.write) {
    await mkdir(path.dirname(OUTPUT), { recursive: true });
    await writeFile(OUTPUT, await keepingPushSection(markdown(report)));
    console.error(`Wrote ${path.relative(REPO_ROOT, OUTPUT)}`);
  }
  const wrongWrites =
    results.some((r) => r.writes.some((w) => w !== r.expectedWrites)) ||
    service.some((s) => s.writes !== s.expectedWrites);
  return failures.length || wrongWrites ? 1 : 0;
}

async function postgresVersion(opts: Options, notes: string[]): Promise<string | null> {
  try {
    return (await psql(`${opts.pgUrl}/postgres`, 'SHOW server_version')).trim();
  } catch (error) {
    if (opts.requirePostgres) throw error;
    const why = (error instanceof Error ? error.message : String(error)).replace(/^[^]*? exited \d+: /, '');
    notes.push(`PostgreSQL not reachable at ${opts.pgUrl}, its rows are skipped: ${why}`);
    console.error(notes.at(-1));
    return null;
  }
}

/** Databases a killed bench left behind (each can hold a 500k-lead copy). */
async function cleanLeftovers(pgUrl: string | null): Promise<void> {
  await rm(path.join(DATA_DIR, 'db'), { recursive: true, force: true });
  if (!pgUrl) return;
  const names = await psql(
    `${pgUrl}/postgres`,
    "SELECT datname FROM pg_database WHERE datname LIKE 'lsbench\\_%'",
  );
  for (const name of names.split('\n').filter(Boolean)) {
    await psql(`${pgUrl}/postgres`, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

async function readProfile(opts: Options, dialect: Dialect | undefined, rows: number, notes: string[]) {
  try {
    const summary = await summarizeMainProfile(PROFILE_DIR);
    return {
      label: `${SCENARIO_LABEL[opts.cpuProf ?? 'full']}, ${rows.toLocaleString('en-US')} rows, ${dialect}`,
      summary,
    };
  } catch (error) {
    notes.push(`No CPU profile: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

function printSummary(r: Report, failures: string[]): void {
  const service = r.service ?? [];
  const out = ['', resultsTable(r.results), ''];
  if (service.length) out.push(serviceTable(service), '');
  out.push(targetsTable({ results: r.results, service, startup: r.startup }), '');
  if (r.profile)
    out.push(
      `CPU profile: ${r.profile.label} (${r.profile.summary.file})`,
      '',
      profileTable(r.profile.summary),
      '',
    );
  out.push(...r.notes);
  if (failures.length) out.push('', 'FAILED RUNS:', ...failures.map((f) => `  ${f}`));
  process.stdout.write(out.join('\n') + '\n');
}

/** Raw results (git-ignored), so the Markdown can be re-rendered with `--render` without re-running. */
async function saveResults(report: Report): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${report.env.date.replace(/[:]/g, '-')}.json`);
  await writeFile(file, JSON.stringify(report, null, 2));
  console.error(`Saved ${path.relative(REPO_ROOT, file)}`);
}

async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

async function sequence<T>(n: number, f: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await f());
  return out;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
