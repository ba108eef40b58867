// `npm run bench:fleet`: issue 15's fleet figures, written to docs/FLEET.md. N customers on one
// PostgreSQL (default 5,000), sheets of realistic sizes (bench/fleet-google.ts: median 300 rows,
// 5 % over 5,000, 1 % changed per run) behind a fake Google with a time to first byte and an
// enforced shared quota; `leadsync worker` processes (1, 2, 4) each for --minutes, schedules spread
// evenly over the interval at the start of each phase. Then one worker against a zero-latency
// fake on unchanged 300-row sheets, re-queued as fast as it takes them (syncs/s, CPU, RSS with
// 16 in flight), and the due-query figures at 100,000 customers (bench/due-query.ts).
//   npm run bench:fleet -- --customers 500 --minutes 2     (a few minutes)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../src/db/connection.js';
import { dueQueryBoth, type DueQueryFigures } from './due-query.js';
import { scratchPostgres } from './fleet-db.js';
import { fleetRows, fleetSheetId, startFleetGoogle, type FleetGoogle } from './fleet-google.js';
import { measurePhase, type PhaseFigures } from './fleet-phase.js';
import { writeFleetReport, type FleetSettings } from './fleet-report.js';
import { seedCustomers } from './fleet-seed.js';
import { startFleetWorker, type FleetWorker, type WorkerSettings } from './fleet-workers.js';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '5000' },
    minutes: { type: 'string', default: '5' },
    workers: { type: 'string', default: '1,2,4' },
    quota: { type: 'string', default: '3000' },
    ttfb: { type: 'string', default: '150-400' },
    concurrency: { type: 'string', default: '16' },
    interval: { type: 'string', default: '5' },
    'zero-seconds': { type: 'string', default: '30' },
    'backlog-seconds': { type: 'string', default: '90' },
    'due-customers': { type: 'string', default: '100000' },
    out: { type: 'string', default: path.resolve(import.meta.dirname, '..', 'docs', 'FLEET.md') },
  },
});
const [ttfbMin = 0, ttfbMax = 0] = values.ttfb.split('-').map(Number);
const settings: FleetSettings = {
  customers: Number(values.customers),
  minutes: Number(values.minutes),
  workers: values.workers.split(',').map(Number),
  quotaPerMinute: Number(values.quota),
  ttfbMs: [ttfbMin, ttfbMax],
  concurrency: Number(values.concurrency),
  intervalMinutes: Number(values.interval),
  zeroSeconds: Number(values['zero-seconds']),
  backlogSeconds: Number(values['backlog-seconds']),
  dueCustomers: Number(values['due-customers']),
};
const log = (message: string) =>
  console.error(`[fleet ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** Spreads every customer's next run evenly over one interval from `start` (by its id). */
const spreadSql = `update lead_sync_states set "nextRunAt" = to_timestamp($1 / 1000.0)
  + ((substr("customerId", 2)::int * 7919) % 1000) / 1000.0 * ($2 || ' milliseconds')::interval`;
const firstDueOf = (start: number, intervalMs: number) => (customerId: string) =>
  start + (((Number(customerId.slice(1)) * 7919) % 1000) / 1000) * intervalMs;

async function fleet(
  label: string,
  count: number,
  google: FleetGoogle,
  /** The workers' LEADSYNC_GOOGLE_PROJECT_RATE_PER_MINUTE. */
  workerQuota: number,
  dir: string,
  run: (client: pg.Client, start: (n: number) => Promise<FleetWorker[]>) => Promise<void>,
): Promise<{ warmupSeconds: number }> {
  const db = await scratchPostgres(label);
  const client = new pg.Client({ connectionString: db.url, application_name: 'fleet-bench' });
  const workers: FleetWorker[] = [];
  try {
    const handle = await openDatabase(db.url);
    await seedCustomers(
      handle.db,
      count,
      (i) => ({
        sheetUrl: `https://docs.google.com/spreadsheets/d/${fleetSheetId(i)}/edit#gid=0`,
        sourceKind: 'google_export',
        spreadsheetId: fleetSheetId(i),
        gid: '0',
        nextRunAt: new Date(),
        intervalMinutes: settings.intervalMinutes,
      }),
      new Date(),
    );
    await handle.close();
    await client.connect();
    const workerSettings: WorkerSettings = {
      databaseUrl: db.url,
      googleBaseUrl: google.baseUrl,
      concurrency: settings.concurrency,
      quotaPerMinute: workerQuota,
      dir,
    };
    const start = async (n: number) => {
      for (const w of workers.splice(0)) await w.process.stop(30_000);
      for (let k = 0; k < n; k++) workers.push(await startFleetWorker(workerSettings, k));
      return [...workers];
    };
    // The first pass imports every sheet: not what a steady fleet does, so it is timed apart.
    const warm = Date.now();
    await start(2);
    for (;;) {
      const { rows } = await client.query<{ n: string }>(
        `select count(*) as n from lead_sync_states where "lastSuccessAt" is null`,
      );
      if (Number(rows[0]?.n) === 0) break;
      log(`${label}: warm-up, ${rows[0]?.n} sheets not imported yet`);
      await new Promise((r) => setTimeout(r, 5000));
    }
    const warmupSeconds = (Date.now() - warm) / 1000;
    await run(client, start);
    return { warmupSeconds };
  } finally {
    for (const w of workers) await w.process.stop(30_000);
    await client.end().catch(() => {});
    await db.drop();
  }
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'leadsync-fleet-'));
const phases: PhaseFigures[] = [];
let zero: PhaseFigures | null = null;
let backlog: PhaseFigures | null = null;
let warmupSeconds: number;
let due: DueQueryFigures[];
try {
  const intervalMs = settings.intervalMinutes * 60_000;
  const google = await startFleetGoogle({
    rowsOf: fleetRows,
    ttfbMs: settings.ttfbMs,
    quotaPerMinute: settings.quotaPerMinute,
    changeChance: 0.01,
  });
  try {
    ({ warmupSeconds } = await fleet(
      'fleet',
      settings.customers,
      google,
      settings.quotaPerMinute,
      dir,
      async (client, start) => {
        for (const n of settings.workers) {
          // Nothing due while the workers start, then every schedule spread over one interval.
          await client.query(`update lead_sync_states set "nextRunAt" = now() + interval '1 day'`);
          const workers = await start(n);
          const t0 = Date.now();
          await client.query(spreadSql, [t0, intervalMs]);
          log(`fleet: ${n} worker(s) for ${settings.minutes} min`);
          const figures = await measurePhase({
            label: `${n} worker${n > 1 ? 's' : ''}`,
            client,
            workers,
            google,
            seconds: settings.minutes * 60,
            intervalMs,
            firstDue: firstDueOf(t0, intervalMs),
          });
          log(JSON.stringify(figures));
          phases.push(figures);
        }
        // Backlogged: every idle customer due again each second, so the shared quota is the limit.
        const workers = await start(Math.max(...settings.workers));
        const requeue = `update lead_sync_states set "nextRunAt" = now() - interval '1 second' where "leaseOwner" is null`;
        await client.query(requeue);
        log(`fleet: backlogged, ${workers.length} workers for ${settings.backlogSeconds} s`);
        backlog = await measurePhase({
          label: `${workers.length} workers, backlogged`,
          client,
          workers,
          google,
          seconds: settings.backlogSeconds,
          intervalMs,
          firstDue: () => Number.NaN,
          tick: async () => void (await client.query(requeue)),
        });
        log(JSON.stringify(backlog));
      },
    ));
  } finally {
    await google.close();
  }
  // One worker, zero latency, unchanged 300-row sheets, always due: the engine's own speed.
  const flat = await startFleetGoogle({
    rowsOf: () => 300,
    ttfbMs: [0, 0],
    quotaPerMinute: 0,
    changeChance: 0,
  });
  try {
    const zeroCustomers = Math.max(200, settings.concurrency * 20);
    // No quota for the workers here: the engine's own speed is measured, not the pacing.
    await fleet('zero', zeroCustomers, flat, 1_000_000, dir, async (client, start) => {
      const workers = await start(1);
      const requeue = `update lead_sync_states set "nextRunAt" = now() - interval '1 second' where "leaseOwner" is null`;
      await client.query(requeue);
      log(`zero latency: 1 worker for ${settings.zeroSeconds} s`);
      zero = await measurePhase({
        label: 'zero latency',
        client,
        workers,
        google: flat,
        seconds: settings.zeroSeconds,
        intervalMs,
        firstDue: () => Number.NaN,
        tick: async () => void (await client.query(requeue)),
      });
      log(JSON.stringify(zero));
    });
  } finally {
    await flat.close();
  }
  log(`due query at ${settings.dueCustomers} customers`);
  due = await dueQueryBoth(settings.dueCustomers);
} finally {
  await rm(dir, { recursive: true, force: true });
}
await writeFleetReport(values.out, { settings, warmupSeconds, phases, backlog, zero, due });
log(`wrote ${values.out}`);
