// `npm run bench:push`: issue 14's figures against the fake Google of test/, written into the
// push section of docs/BENCHMARKS.md (`--write`). Two measurements:
// 1. edit → lead visible through the API, with a push URL and debounceSeconds 0, over 20 edits,
//    on `leadsync serve` (API + worker in one process, default poll interval);
// 2. 1,000 customers on a 1-minute schedule, 1 % of sheets changing per minute, read through the
//    Sheets API with a service account: Google requests per minute with and without the Drive
//    revision check. Scaled down in time: each simulated minute syncs every customer once, back
//    to back, with the real engine (what a 1-minute schedule asks of the workers each minute).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { createCustomer, type Customer } from '../src/db/customers.repository.js';
import { startService } from '../src/service/server.js';
import { sourceForCustomer } from '../src/sync/customer-source.js';
import { runSync } from '../src/sync/engine.js';
import { startFakeGoogle, type FakeGoogle } from '../test/fake-google/server.js';
import { replaceSection } from './push-section.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const OUTPUT = path.join(REPO_ROOT, 'docs', 'BENCHMARKS.md');
const TOKEN = 'bench-push-admin-token-0123456789';
const PG_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const args = new Set(process.argv.slice(2));
const EDITS = 20;
const CUSTOMERS = Number(process.env.BENCH_PUSH_CUSTOMERS ?? 1000);
const MINUTES = Number(process.env.BENCH_PUSH_MINUTES ?? 3);
const CHANGING = 0.01;
const CONCURRENCY = 4;

const leadsCsv = (rows: number) =>
  [
    'Name,Email,Company',
    ...Array.from({ length: rows }, (_, i) => `Person ${i},p${i}@example.com,Co ${i % 7}`),
  ].join('\n') + '\n';
const ms = (n: number) => `${Math.round(n)} ms`;

interface Database {
  url: string;
  drop(): Promise<void>;
}

async function freshDatabase(dialect: 'sqlite' | 'postgres', dir: string): Promise<Database | null> {
  const name = `leadsync_bench_push_${randomBytes(4).toString('hex')}`;
  if (dialect === 'sqlite') return { url: `sqlite:${path.join(dir, `${name}.db`)}`, drop: async () => {} };
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch {
    await admin.end().catch(() => {});
    return null;
  }
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

function baseEnv(google: FakeGoogle, databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    GOOGLE_SHEETS_BASE_URL: google.baseUrl,
    GOOGLE_SHEETS_API_BASE_URL: google.apiBaseUrl,
    GOOGLE_DRIVE_API_BASE_URL: google.driveApiBaseUrl,
    LEADSYNC_ALLOW_HOSTS: '127.0.0.1',
    LEADSYNC_ADMIN_TOKEN: TOKEN,
    LEADSYNC_FETCH_RETRIES: '0',
    LEADSYNC_GOOGLE_PROJECT_RATE_PER_MINUTE: '100000',
    LEADSYNC_GOOGLE_USER_RATE_PER_MINUTE: '100000',
    PORT: '0',
  };
}

interface PushResult {
  dialect: string;
  p50: number;
  p95: number;
  max: number;
  fetchP50: number;
  runTriggers: string[];
}

/** Edit → lead visible: one new row per edit, then the push; polls the lead count every 5 ms. */
async function measurePush(dialect: 'sqlite' | 'postgres', dir: string): Promise<PushResult | null> {
  const database = await freshDatabase(dialect, dir);
  if (!database) return null;
  const google = await startFakeGoogle();
  const service = await startService({
    config: loadConfig(baseEnv(google, database.url)),
    api: true,
    worker: true,
    print: () => {},
    logger: false,
  });
  const api = service.url ?? '';
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${api}${url}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  try {
    const id = 'pushbench0000AAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    let rows = 100;
    google.setSheet(id, [{ gid: '0', title: 'Leads', csv: leadsCsv(rows) }]);
    const customer = await call('POST', '/api/customers', {
      name: 'Push bench',
      sheetUrl: `https://docs.google.com/spreadsheets/d/${id}/edit#gid=0`,
    });
    const customerId = String(customer.id);
    const count = async () => Number((await call('GET', `/api/leads/count?customerId=${customerId}`)).count);
    while ((await count()) !== rows) await sleep(20);
    const { pushUrl } = (await call('POST', `/api/customers/${customerId}/push-url`, {
      debounceSeconds: 0,
    })) as { pushUrl: string };
    const latencies: number[] = [];
    const fetches: number[] = [];
    for (let edit = 0; edit < EDITS; edit++) {
      // The download alone, for the "p95 < 1 s plus the fetch time" goal.
      const f0 = performance.now();
      await (await fetch(`${google.baseUrl}/spreadsheets/d/${id}/export?format=csv&gid=0`)).text();
      fetches.push(performance.now() - f0);
      rows += 1;
      google.setSheet(id, [{ gid: '0', title: 'Leads', csv: leadsCsv(rows) }]);
      const t0 = performance.now();
      const pushed = await fetch(pushUrl, { method: 'POST' });
      if (pushed.status !== 202) throw new Error(`push answered ${pushed.status}`);
      while ((await count()) !== rows) await sleep(5);
      latencies.push(performance.now() - t0);
      // Let the run give its lease back, so each edit is measured from an idle customer.
      await sleep(100);
    }
    const runs = (await call('GET', `/api/leads/sync/runs?customerId=${customerId}&limit=${EDITS}`)) as {
      runs: { trigger: string }[];
    };
    return {
      dialect,
      p50: rank(latencies, 50),
      p95: rank(latencies, 95),
      max: rank(latencies, 100),
      fetchP50: rank(fetches, 50),
      runTriggers: [...new Set(runs.runs.map((r) => r.trigger))],
    };
  } finally {
    await service.close();
    await google.close();
    await database.drop();
  }
}

interface ScheduleResult {
  customers: number;
  minutes: number;
  changedPerMinute: number;
  without: MinuteFigures;
  with: MinuteFigures;
}
interface MinuteFigures {
  /** Per simulated minute (medians): all requests to Google, downloads (values), Drive checks. */
  requests: number;
  downloads: number;
  checks: number;
  /** Wall time to sync every customer once. */
  wallMs: number;
  skipped: number;
}

/** 1,000 customers through the Sheets API; each simulated minute changes 1 % and syncs all. */
async function measureSchedule(dir: string): Promise<ScheduleResult> {
  const google = await startFakeGoogle();
  const keyFile = path.join(dir, 'key.json');
  await writeFile(keyFile, JSON.stringify(await google.generateServiceAccountKey()));
  const database = await freshDatabase('sqlite', dir);
  if (!database) throw new Error('no database');
  const config = loadConfig({ ...baseEnv(google, database.url), GOOGLE_APPLICATION_CREDENTIALS: keyFile });
  const handle = await openDatabase(database.url);
  const customers: Customer[] = [];
  const sheetOf = (i: number) => `sched${String(i).padStart(5, '0')}AAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
  const version = new Map<number, number>();
  const setSheet = (i: number) => {
    const v = (version.get(i) ?? 0) + 1;
    version.set(i, v);
    google.setSheet(sheetOf(i), [{ gid: '0', title: 'Leads', csv: leadsCsv(20 + v) }]);
  };
  try {
    for (let i = 0; i < CUSTOMERS; i++) {
      setSheet(i);
      customers.push(
        await createCustomer(
          handle.db,
          {
            name: `c${i}`,
            sheetUrl: `https://docs.google.com/spreadsheets/d/${sheetOf(i)}/edit#gid=0`,
            sourceKind: 'google_api',
            spreadsheetId: sheetOf(i),
            gid: '0',
          },
          new Date(),
        ),
      );
    }
    const syncAll = async (withCheck: boolean) => {
      const sourceFor = (c: Customer) => {
        const source = sourceForCustomer(c, config);
        // "Without": the same source with its revision check taken away.
        return withCheck
          ? source
          : { kind: source.kind, describe: () => source.describe(), open: source.open.bind(source) };
      };
      let skipped = 0;
      const queue = [...customers];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let c = queue.shift(); c; c = queue.shift()) {
            const run = await runSync(
              { db: handle.db, config, sourceFor },
              { customerId: c.id, trigger: 'schedule' },
            );
            if (run.details?.skipped) skipped++;
          }
        }),
      );
      return skipped;
    };
    console.error(`  initial sync of ${CUSTOMERS} customers…`);
    await syncAll(true);
    const minute = async (withCheck: boolean): Promise<MinuteFigures> => {
      for (let k = 0; k < Math.round(CUSTOMERS * CHANGING); k++)
        setSheet(Math.floor(Math.random() * CUSTOMERS));
      const before = {
        all: google.requests.length,
        downloads: google.downloadRequests(),
        checks: google.revisionRequests(),
      };
      const t0 = performance.now();
      const skipped = await syncAll(withCheck);
      return {
        requests: google.requests.length - before.all,
        downloads: google.downloadRequests() - before.downloads,
        checks: google.revisionRequests() - before.checks,
        wallMs: performance.now() - t0,
        skipped,
      };
    };
    const median = (xs: MinuteFigures[], key: keyof MinuteFigures) =>
      rank(
        xs.map((x) => x[key]),
        50,
      );
    const summarise = (xs: MinuteFigures[]): MinuteFigures => ({
      requests: median(xs, 'requests'),
      downloads: median(xs, 'downloads'),
      checks: median(xs, 'checks'),
      wallMs: median(xs, 'wallMs'),
      skipped: median(xs, 'skipped'),
    });
    const without: MinuteFigures[] = [];
    const withCheck: MinuteFigures[] = [];
    // With the check first: the initial sync stored every revision. A run without the check
    // stores none, so the first checked run after it must download once more.
    for (let m = 0; m < MINUTES; m++) {
      console.error(`  with the check, minute ${m + 1} of ${MINUTES}…`);
      withCheck.push(await minute(true));
    }
    for (let m = 0; m < MINUTES; m++) {
      console.error(`  without the check, minute ${m + 1} of ${MINUTES}…`);
      without.push(await minute(false));
    }
    return {
      customers: CUSTOMERS,
      minutes: MINUTES,
      changedPerMinute: Math.round(CUSTOMERS * CHANGING),
      without: summarise(without),
      with: summarise(withCheck),
    };
  } finally {
    await handle.close();
    await google.close();
    await database.drop();
  }
}

function render(push: PushResult[], schedule: ScheduleResult): string {
  const lines = [
    `Generated by \`npm run bench:push -- --write\` (bench/push-bench.ts) on ${new Date().toISOString().slice(0, 19)}Z, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(2)} at the end. Against the fake Google of test/ on loopback.`,
    '',
    `Edit → lead visible through the API (a new row in the sheet, then a POST to the push URL with \`debounceSeconds: 0\`, until \`/api/leads/count\` shows it; \`leadsync serve\` with its default poll interval, ${EDITS} edits of a 100-row sheet):`,
    '',
    '| dialect | p50 | p95 | max | the download alone (p50) | goal: p95 < 1 s + download | runs’ trigger |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...push.map(
      (p) =>
        `| ${p.dialect} | ${ms(p.p50)} | ${ms(p.p95)} | ${ms(p.max)} | ${ms(p.fetchP50)} | ${p.p95 < 1000 + p.fetchP50 ? '✓' : '✗'} | ${p.runTriggers.join(', ')} |`,
    ),
    '',
    `${schedule.customers.toLocaleString('en-US')} customers on a 1-minute schedule, ${schedule.changedPerMinute} sheets (1 %) changed per minute, read through the Sheets API with a service account (SQLite, ${CONCURRENCY} syncs at once). Scaled down in time: each simulated minute changes the sheets and then syncs every customer once, back to back, with the real engine; medians of ${schedule.minutes} minutes each way (the token exchange is cached and not counted):`,
    '',
    '| | Google requests / minute | sheet downloads / minute | Drive revision checks / minute | runs skipped / minute | time to sync all once |',
    '| --- | --- | --- | --- | --- | --- |',
    `| without the revision check | ${schedule.without.requests} | ${schedule.without.downloads} | ${schedule.without.checks} | ${schedule.without.skipped} | ${(schedule.without.wallMs / 1000).toFixed(1)} s |`,
    `| with the revision check | ${schedule.with.requests} | ${schedule.with.downloads} | ${schedule.with.checks} | ${schedule.with.skipped} | ${(schedule.with.wallMs / 1000).toFixed(1)} s |`,
    '',
    `Downloads: ${pct(1 - schedule.with.downloads / schedule.without.downloads)} fewer (goal ≥ 95 %); all Google requests: ${pct(1 - schedule.with.requests / schedule.without.requests)} fewer. A Sheets API download is two requests (tab metadata, values) and a check one Drive request, so all requests fall by about half while Sheets API requests (the per-user quota of 60 a minute by default) fall from ${schedule.without.requests} to ${schedule.with.requests - schedule.with.checks}.`,
  ];
  return lines.join('\n');
}
/** Nearest-rank percentile, as bench/measure.ts ranks. */
function rank(samples: readonly number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const sleep = (n: number) => new Promise((resolve) => setTimeout(resolve, n));

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'leadsync-bench-push-'));
  try {
    const push: PushResult[] = [];
    for (const dialect of ['sqlite', 'postgres'] as const) {
      console.error(`push latency, ${dialect}…`);
      const result = await measurePush(dialect, dir);
      if (result) push.push(result);
      else console.error(`  ${dialect}: no database, skipped`);
    }
    console.error(`schedule of ${CUSTOMERS} customers…`);
    const schedule = await measureSchedule(dir);
    const text = render(push, schedule);
    process.stdout.write(`${text}\n`);
    if (args.has('--write')) {
      await writeFile(OUTPUT, replaceSection(await readFile(OUTPUT, 'utf8'), text));
      console.error(`Wrote the push section of ${path.relative(REPO_ROOT, OUTPUT)}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
