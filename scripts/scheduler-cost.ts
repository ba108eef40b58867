/**
 * What the scheduler costs with many customers configured (docs/PERFORMANCE.md): the time of one
 * claim query when nothing is due and when some are, a full claim + give-back cycle, and the CPU
 * an idle worker process spends polling. Bounded loops, loopback database only.
 *
 *   DATABASE_URL=sqlite:/tmp/perf/sched.db node bin/run-ts.js scripts/scheduler-cost.ts 10000
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/leadsync_perf_sched node bin/run-ts.js scripts/scheduler-cost.ts 10000
 *
 * A PostgreSQL database (name starting leadsync_perf) is dropped and created first.
 */
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { createCustomer } from '../src/db/customers.repository.js';
import { claimDueCustomers, endClaim } from '../src/db/scheduler.repository.js';
import { LocalEventBus } from '../src/events/local-bus.js';
import { ServiceMetrics } from '../src/worker/metrics.js';
import { Worker } from '../src/worker/worker.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL');
const customers = Number(process.argv[2] ?? 10_000);
const LEASE_MS = 60_000;

if (url.startsWith('postgres')) {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!/^leadsync_perf\w*$/.test(name)) throw new Error('the database name must start with leadsync_perf');
  const admin = new pg.Client({
    connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString(),
  });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}
const handle = await openDatabase(url);
const { db } = handle;

let t0 = performance.now();
const start = new Date();
for (let i = 0; i < customers; i += 50) {
  await Promise.all(
    Array.from({ length: Math.min(50, customers - i) }, (_, k) =>
      createCustomer(
        db,
        { name: `Customer ${i + k}`, sheetUrl: `https://example.com/${i + k}.csv`, sourceKind: 'csv_url' },
        start,
      ),
    ),
  );
}
console.log(`created ${customers} customers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// Steady state: nobody queued, next runs spread over the coming ten minutes.
const spread = async () =>
  sql`UPDATE lead_sync_states SET "pendingTrigger" = NULL, "leaseOwner" = NULL, "leaseExpiresAt" = NULL`.execute(
    db,
  );
await spread();
const states = await db.selectFrom('lead_sync_states').select('customerId').execute();
const now = Date.now();
for (let i = 0; i < states.length; i += 500) {
  const slice = states.slice(i, i + 500);
  await Promise.all(
    slice.map((s, k) =>
      db
        .updateTable('lead_sync_states')
        .set({ nextRunAt: new Date(now + 60_000 + ((i + k) * 540_000) / states.length).toISOString() })
        .where('customerId', '=', s.customerId)
        .execute(),
    ),
  );
}
if (handle.dialect === 'postgres') await sql`ANALYZE lead_sync_states`.execute(db);

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms (n=${samples.length})`;
}

async function timed(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 10; i++) await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

// 1. An idle poll: nothing due among all customers.
const idle = await timed(300, () =>
  claimDueCustomers(db, 'bench', { leaseMs: LEASE_MS, limit: 4, now: new Date() }),
);
console.log(`claim query, nothing due (${customers} customers): ${summary(idle)}`);

// 2. A busy cycle: 1,000 due; claim 4 and give them back with their next run (as a worker does).
await sql`UPDATE lead_sync_states SET "nextRunAt" = ${new Date(now - 1000).toISOString()}
          WHERE "customerId" IN (SELECT "customerId" FROM lead_sync_states ORDER BY "customerId" LIMIT 1000)`.execute(
  db,
);
const cycle = await timed(200, async () => {
  const at = new Date();
  const claims = await claimDueCustomers(db, 'bench', { leaseMs: LEASE_MS, limit: 4, now: at });
  if (claims.length !== 4) throw new Error(`expected 4 claims, got ${claims.length}`);
  for (const c of claims)
    await endClaim(db, c.customerId, 'bench', {
      nextRunAt: new Date(at.getTime() + 600_000),
      requeue: false,
      autoPauseReason: null,
      now: at,
    });
});
console.log(`claim 4 of 1,000 due + give back 4: ${summary(cycle)}`);

// 3. An idle worker process: CPU over 10 s at the default poll (1 s) and at 100 ms.
await sql`UPDATE lead_sync_states SET "nextRunAt" = ${new Date(now + 3_600_000).toISOString()}`.execute(db);
const config = loadConfig({ DATABASE_URL: url });
for (const pollIntervalMs of [1000, 100]) {
  const bus = new LocalEventBus();
  const worker = new Worker({
    db,
    config,
    bus,
    metrics: new ServiceMetrics({ processMetrics: false }),
    concurrency: 4,
    pollIntervalMs,
    leaseMs: LEASE_MS,
    autoPauseFailures: 20,
  });
  const cpu = process.cpuUsage();
  const wall = performance.now();
  worker.start();
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  await worker.close();
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - wall;
  const percent = ((used.user + used.system) / 1000 / ms) * 100;
  console.log(
    `idle worker, poll ${pollIntervalMs} ms, ${customers} customers: ${percent.toFixed(2)} % of one core in the worker process over ${(ms / 1000).toFixed(1)} s`,
  );
}

if (handle.dialect === 'postgres') {
  const compiled = db
    .selectFrom('lead_sync_states')
    .select('customerId')
    .where('isPaused', '=', 0)
    .where((eb) =>
      eb.or([eb('leaseExpiresAt', 'is', null), eb('leaseExpiresAt', '<=', new Date().toISOString())]),
    )
    .where((eb) =>
      eb.or([eb('pendingTrigger', 'is not', null), eb('nextRunAt', '<=', new Date().toISOString())]),
    )
    .limit(4)
    .compile();
  const plan = await sql
    .raw<{ 'QUERY PLAN': string }>(
      `EXPLAIN ANALYZE ${compiled.sql.replace(/\$(\d+)/g, (_m, i: string) => `'${String(compiled.parameters[Number(i) - 1])}'`)}`,
    )
    .execute(db);
  console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
}
await handle.close();
