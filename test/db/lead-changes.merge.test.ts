import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { deleteChangesQuery } from '../../src/db/lead-changes.merge.js';
import { useTestDatabase } from '../helpers/databases.js';

/**
 * SQLite plans a join by its guesses, and a temp staging table has no statistics: recording a
 * chunk of deletes once walked every lead of the customer for each chunk (quadratic; an approved
 * delete of 16,090 leads took 9.6 s). The staged chunk must drive the join. PostgreSQL plans this
 * with statistics of its own and is not pinned here.
 */
describe('recording staged deletes [sqlite]', () => {
  const t = useTestDatabase('sqlite');

  it('reads the chunk by its seq range and finds each lead by key, never the other way round', async () => {
    const plan = await t.db.transaction().execute(async (trx) => {
      await sql`CREATE TEMP TABLE plan_del (seq INTEGER PRIMARY KEY, "externalKey" TEXT NOT NULL)`.execute(
        trx,
      );
      const query = deleteChangesQuery({
        batchId: 'b',
        customerId: 'c',
        deleteTable: 'plan_del',
        from: 0,
        to: 500,
        offset: 0,
      });
      const rows = await sql<{ detail: string }>`EXPLAIN QUERY PLAN ${query}`.execute(trx);
      await sql`DROP TABLE plan_del`.execute(trx);
      return rows.rows.map((row) => row.detail);
    });
    const searches = plan.filter((line) => /^(SCAN|SEARCH)/.test(line));
    expect(searches[0]).toMatch(/^SEARCH d USING INTEGER PRIMARY KEY/);
    expect(searches[1]).toMatch(/^SEARCH l USING .*externalKey=\?/);
  });
});
