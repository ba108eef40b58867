// The due-customer claim at fleet scale (issue 15): N customers (default 100,000), 1 % due,
// on PostgreSQL and SQLite. Times the claim (16 at a time, as a worker with 16 free slots asks)
// and the query shape it replaced, and prints PostgreSQL's EXPLAIN ANALYZE of the claim.
//   node bin/run-ts.js bench/due-query.ts [--customers 100000]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CompiledQuery, Migrator, sql, type Kysely } from 'kysely';
import { openDatabase } from '../src/db/connection.js';
import type { Database } from '../src/db/database.js';
import { dialectOf } from '../src/db/dialect.js';
import { MIGRATIONS, migrateToLatest } from '../src/db/migrate.js';
import { claimDueCustomers, compileDueClaim } from '../src/db/scheduler.repository.js';
import { scratchPostgres } from './fleet-db.js';
import { seedCustomers } from './fleet-seed.js';

export interface DueQueryFigures {
  dialect: 'sqlite' | 'postgres';
  customers: number;
  claimP50Ms: number;
  claimP95Ms: number;
  oldShapeP50Ms: number;
  explain: string;
}

const NOW = new Date();
const ROUNDS = 40;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

/** The claim's selection before migration 0011: one OR over every kind of due, ordered by a CASE. */
function oldShape(db: Kysely<Database>, at: string) {
  const off = dialectOf(db) === 'postgres' ? sql.lit(false) : sql.lit(0);
  return sql`select "customerId" from lead_sync_states
    where "isPaused" = ${off} and ("leaseExpiresAt" is null or "leaseExpiresAt" <= ${at})
      and ("pendingTrigger" is not null or "claimedTrigger" is not null or "pushRunAt" <= ${at} or "nextRunAt" <= ${at})
    order by case when ("pendingTrigger" is not null or "claimedTrigger" is not null or "pushRunAt" <= ${at}) then 0 else 1 end, "nextRunAt"
    limit 16`.execute(db);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function measureDueQuery(url: string, customers: number): Promise<DueQueryFigures> {
  // Seeded and timed at migration 0010 first: the old shape with the indexes it had.
  const handle = await openDatabase(url, { migrate: false });
  const db = handle.db;
  try {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) },
    });
    const before = await migrator.migrateTo('0010-push-and-revisions');
    if (before.error !== undefined)
      throw before.error instanceof Error
        ? before.error
        : new Error('migration to 0010 failed', { cause: before.error });
    await seedCustomers(
      db,
      customers,
      (i) => ({
        sheetUrl: `https://example.com/${i}.csv`,
        sourceKind: 'csv_url',
        intervalMinutes: 5,
        // 1 % overdue by up to 5 minutes; the rest due over the next 5 minutes.
        nextRunAt: new Date(
          NOW.getTime() + (i % 100 === 0 ? -((i * 7919) % 300_000) : 1000 + ((i * 7919) % 300_000)),
        ),
      }),
      NOW,
    );
    await sql`analyze`.execute(db);
    const at = NOW.toISOString();
    const old: number[] = [];
    for (let i = 0; i < ROUNDS; i++) old.push(await timed(() => oldShape(db, at)));
    await migrateToLatest(db);
    await sql`analyze`.execute(db);
    const claims: number[] = [];
    // Each claim takes 16 of the ~1,000 due, so 40 rounds leave most of them due.
    for (let i = 0; i < ROUNDS; i++)
      claims.push(
        await timed(() => claimDueCustomers(db, `w${i}`, { leaseMs: 60_000, limit: 16, now: NOW })),
      );
    let explain = '';
    if (dialectOf(db) === 'postgres') {
      const claim = compileDueClaim(db, 'explain', { leaseMs: 60_000, limit: 16, now: NOW });
      // ANALYZE runs the UPDATE: inside a transaction rolled back, so the figures above stand.
      explain = await db.connection().execute(async (conn) => {
        await sql`begin`.execute(conn);
        const { rows } = await conn.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`explain (analyze, costs off, timing on) ${claim.sql}`, [...claim.parameters]),
        );
        await sql`rollback`.execute(conn);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    }
    return {
      dialect: dialectOf(db),
      customers,
      claimP50Ms: quantile(claims, 0.5),
      claimP95Ms: quantile(claims, 0.95),
      oldShapeP50Ms: quantile(old, 0.5),
      explain,
    };
  } finally {
    await handle.close();
  }
}

export async function dueQueryBoth(customers: number): Promise<DueQueryFigures[]> {
  const out: DueQueryFigures[] = [];
  const pgDb = await scratchPostgres('due');
  try {
    out.push(await measureDueQuery(pgDb.url, customers));
  } finally {
    await pgDb.drop();
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'leadsync-due-'));
  try {
    out.push(await measureDueQuery(`sqlite:${path.join(dir, 'due.db')}`, customers));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1] ? path.resolve(process.argv[1]) : ''}`) {
  const { values } = parseArgs({ options: { customers: { type: 'string', default: '100000' } } });
  for (const f of await dueQueryBoth(Number(values.customers))) {
    console.log(
      `${f.dialect}: ${f.customers} customers, claim p50 ${f.claimP50Ms.toFixed(2)} ms, p95 ${f.claimP95Ms.toFixed(2)} ms; old shape p50 ${f.oldShapeP50Ms.toFixed(2)} ms`,
    );
    if (f.explain) console.log(f.explain);
  }
}
