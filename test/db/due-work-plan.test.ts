import { CompiledQuery, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { compileDueClaim } from '../../src/db/scheduler.repository.js';
import { dialectOf } from '../../src/db/dialect.js';
import { requestRun } from '../../src/db/sync-requests.repository.js';
import { seedCustomers } from '../../bench/fleet-seed.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

// The claim must not read every customer to find the few that are due: each of its two branches
// walks its own partial index (migration 0011). 20,000 customers, 1 % due, 20 asked for: enough
// rows that a scan would be the planner's choice if the query could not use the indexes.
const NOW = new Date('2026-06-01T12:00:00.000Z');
const CUSTOMERS = 20_000;

describeEachDialect('the due-work claim', (dialect) => {
  const t = useTestDatabase(dialect);
  beforeAll(async () => {
    const ids = await seedCustomers(
      t.db,
      CUSTOMERS,
      (i) => ({
        sheetUrl: `https://example.com/${i}.csv`,
        sourceKind: 'csv_url',
        intervalMinutes: 5,
        // Every 100th is overdue by up to a minute, the rest due within the next 5 minutes.
        nextRunAt: new Date(NOW.getTime() + (i % 100 === 0 ? -(i % 60_000) : 1000 + (i % 300_000))),
      }),
      NOW,
    );
    for (const id of ids.slice(0, 20)) await requestRun(t.db, id, 'manual', NOW);
    await sql`analyze`.execute(t.db);
  });

  const plan = async (): Promise<string> => {
    const claim = compileDueClaim(t.db, 'w1', { leaseMs: 60_000, limit: 16, now: NOW });
    const prefix = dialectOf(t.db) === 'postgres' ? 'explain ' : 'explain query plan ';
    const { rows } = await t.db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(prefix + claim.sql, [...claim.parameters]),
    );
    const text = rows.map((r) => String(r['QUERY PLAN'] ?? r['detail'])).join('\n');
    if (process.env.SHOW_PLAN) console.log(text);
    return text;
  };

  it('finds scheduled work through the partial index on nextRunAt, in order', async () => {
    expect(await plan()).toMatch(/lead_sync_states_due_idx/);
  });

  it('finds asked-for, pushed and orphaned runs through their own partial index', async () => {
    expect(await plan()).toMatch(/lead_sync_states_asked_idx/);
  });

  it('never scans the whole state table', async () => {
    const text = await plan();
    expect(text).not.toMatch(/Seq Scan on lead_sync_states|SCAN lead_sync_states(?! USING)/);
  });
});
