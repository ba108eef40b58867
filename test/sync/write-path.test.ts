import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { updateCustomer, type CustomerPatch } from '../../src/db/customers.repository.js';
import type { Database } from '../../src/db/database.js';
import { nativeOf } from '../../src/db/native.js';
import { describeEachDialect, type TestDialect } from '../helpers/databases.js';
import { generatedSheet } from './generated-sheet.js';
import { expectOutcome, NOW, peopleCsv, useSyncBed, type SyncBed, type TestCustomer } from './support.js';

/** `Name,Email,Company,Occurred` rows, one date column so the date order changes what is read. */
function datedCsv(rows: number): string {
  const lines = ['Name,Email,Company,Occurred'];
  for (let i = 0; i < rows; i++) lines.push(`Person ${i},p${i}@example.com,Acme,0${(i % 9) + 1}/02/2026`);
  return `${lines.join('\n')}\n`;
}

/** `rows` leads keyed by email `<prefix><i>@example.com`, notes tagged `tag`: cheap to make by the ten thousand. */
function bulkCsv(rows: number, prefix: string, tag = 'v1'): string {
  let csv = 'Name,Email,Company,Notes\n';
  for (let i = 0; i < rows; i++) csv += `${prefix} ${i},${prefix}${i}@example.com,Acme,${tag}\n`;
  return csv;
}

/** The names of the staging tables that still exist (PostgreSQL's unlogged ones, SQLite's temporary ones). */
async function stagingTables(db: Kysely<Database>): Promise<string[]> {
  const native = nativeOf(db);
  if (native.dialect === 'sqlite') {
    const rows = native.writer.prepare(`SELECT name FROM sqlite_temp_master WHERE type = 'table'`).all();
    return rows.map((row) => (row as { name: string }).name);
  }
  const { rows } = await sql<{
    tablename: string;
  }>`SELECT tablename FROM pg_tables WHERE tablename LIKE 'leadsync_stage_%'`.execute(db);
  return rows.map((row) => row.tablename);
}

/**
 * Makes the database refuse the soft delete that would bring the customer's deleted leads to
 * `atMost + 1`: the earlier delete chunks succeed, the last one fails.
 */
async function refuseDeletesPast(db: Kysely<Database>, dialect: TestDialect, atMost: number) {
  const limit = sql.lit(atMost);
  if (dialect === 'sqlite') {
    await sql`CREATE TRIGGER refuse_last_delete BEFORE UPDATE ON leads
      WHEN NEW."deletedAt" IS NOT NULL AND OLD."deletedAt" IS NULL
        AND (SELECT count(*) FROM leads WHERE "customerId" = NEW."customerId" AND "deletedAt" IS NOT NULL) >= ${limit}
      BEGIN SELECT RAISE(ABORT, 'boom at the last chunk'); END`.execute(db);
    return async () => void (await sql`DROP TRIGGER refuse_last_delete`.execute(db));
  }
  await sql`CREATE FUNCTION refuse_last_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW."deletedAt" IS NOT NULL AND OLD."deletedAt" IS NULL AND (SELECT count(*) FROM leads
          WHERE "customerId" = NEW."customerId" AND "deletedAt" IS NOT NULL) >= ${limit} THEN
        RAISE EXCEPTION 'boom at the last chunk';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER refuse_last_delete BEFORE UPDATE ON leads
    FOR EACH ROW EXECUTE FUNCTION refuse_last_delete()`.execute(db);
  return async () => {
    await sql`DROP TRIGGER refuse_last_delete ON leads`.execute(db);
    await sql`DROP FUNCTION refuse_last_delete()`.execute(db);
  };
}

describeEachDialect('the sync write path', (dialect) => {
  const bed: SyncBed = useSyncBed(dialect);
  const phases = (progress: { phase: string }[]) => new Set(progress.map((p) => p.phase));

  it('ends an identical body unchanged without parsing, with the last run figures', async () => {
    const customer = await bed.customer(datedCsv(40).concat('Person 0,p0@example.com,Dup,01/02/2026\n'));
    const first = await bed.sync(customer);
    expectOutcome(first.run, 'success');
    expect(first.run.duplicateKeys).toBeGreaterThan(0);

    const again = await bed.sync(customer);
    expectOutcome(again.run, 'unchanged');
    expect(again.leadWrites).toBe(0);
    expect(phases(again.progress).has('parsing')).toBe(false);
    expect(again.run.details?.identicalBody).toBe(true);
    expect(again.run).toMatchObject({
      rowsProcessed: first.run.rowsProcessed,
      duplicateKeys: first.run.duplicateKeys,
      rowsInserted: 0,
      rowsUpdated: 0,
      rowsDeleted: 0,
    });
  });

  it.each<[string, CustomerPatch]>([
    ['the date order', { dateOrder: 'MDY' }],
    ['the key column', { keyColumn: 'Name' }],
    ['the field overrides', { fieldOverrides: { company: 'Name' } }],
  ])('reads the same body again when %s changes', async (_, patch) => {
    // A threshold of 100 %: a new key column replaces every key, which is no mass delete here.
    const customer: TestCustomer = await bed.seeded(datedCsv(40), { deleteThresholdPercent: 100 });
    expect(phases((await bed.sync(customer)).progress).has('parsing')).toBe(false);

    await updateCustomer(bed.db, customer.id, patch, NOW);
    const reread = await bed.sync(customer);
    expect(phases(reread.progress).has('parsing')).toBe(true);
    expect(reread.run.details?.identicalBody).toBeUndefined();
    expect(reread.run.outcome === 'success' || reread.run.outcome === 'unchanged').toBe(true);
    // Read once with the new options, the body is identical again.
    expect((await bed.sync(customer)).run.details?.identicalBody).toBe(true);
  });

  it.each([5000, 40_000])(
    'writes 6,000 rows with batches of %i, past the bind-parameter limit',
    async (size) => {
      const customer = await bed.customer(generatedSheet(6000));
      const first = await bed.sync(customer, { batchSize: size });
      expect(first.run).toMatchObject({ outcome: 'success', rowsInserted: 6000 });
      expect(first.leadWrites).toBe(6000);

      // The generator mutates the rows with i % 100 === 0: 1 %.
      const mutated = new Set(Array.from({ length: 60 }, (_, k) => k * 100));
      bed.setSheet(customer, generatedSheet(6000, mutated));
      const edited = await bed.sync(customer, { batchSize: size });
      expect(edited.run).toMatchObject({ outcome: 'success', rowsInserted: 0, rowsUpdated: 60 });
      expect(edited.leadWrites).toBe(60);
    },
  );

  it('leaves no staging behind when a run of 6,000 changes is held, cancelled or too large', async () => {
    // Six batches: a cancel while parsing leaves leads staged; the body is past 100 KB.
    const ROWS = 6_000;
    const customer = await bed.customer(bulkCsv(ROWS, 'old'));
    expectOutcome((await bed.sync(customer, { batchSize: 1000 })).run, 'success');
    expect(await stagingTables(bed.db)).toEqual([]);

    // Held: every old lead would be deleted for as many new ones.
    bed.setSheet(customer, bulkCsv(ROWS, 'new'));
    const held = await bed.sync(customer, { batchSize: 1000 });
    expect(held.run).toMatchObject({ outcome: 'needs_review', pendingDeletes: ROWS });
    expect(held.leadWrites).toBe(0);
    expect(await stagingTables(bed.db)).toEqual([]);

    // Cancelled while parsing: some leads were already staged.
    bed.setSheet(customer, bulkCsv(ROWS, 'old', 'v2'));
    const controller = new AbortController();
    const cancelled = await bed.sync(customer, {
      batchSize: 1000,
      signal: controller.signal,
      onProgress: (p) => p.phase === 'parsing' && controller.abort(),
    });
    expect(cancelled.run).toMatchObject({ outcome: 'cancelled', error: { code: 'SYNC_CANCELLED' } });
    expect(cancelled.leadWrites).toBe(0);
    expect(await stagingTables(bed.db)).toEqual([]);

    // Too large: fails while downloading.
    const tooLarge = await bed.sync(customer, { env: { LEADSYNC_MAX_SHEET_BYTES: '100000' } });
    expect(tooLarge.run).toMatchObject({ outcome: 'failed', error: { code: 'SHEET_TOO_LARGE' } });
    expect(await stagingTables(bed.db)).toEqual([]);

    const next = await bed.sync(customer, { batchSize: 1000 });
    expect(next.run).toMatchObject({ outcome: 'success', rowsUpdated: ROWS, rowsDeleted: 0 });
    expect(next.leadWrites).toBe(ROWS);
    expect(await stagingTables(bed.db)).toEqual([]);
  });

  it('rolls everything back when the very last chunk fails after deletes were applied', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `P${String(i + 1).padStart(2, '0')}`);
    const customer = await bed.seeded(peopleCsv(names));
    const before = await bed.leads(customer);
    const stateBefore = await bed.state(customer);
    // Two edited, one added, three removed: with batches of 1 the three deletes come last.
    const sheet = peopleCsv([...names.slice(0, 9), 'New1']).replace(/Met (P0[12])/g, 'Called $1');
    bed.setSheet(customer, sheet);

    const allow = await refuseDeletesPast(bed.db, dialect, 2);
    const failed = await bed.sync(customer, { batchSize: 1 }).finally(allow);

    expect(failed.run).toMatchObject({ outcome: 'failed', rowsInserted: 0, rowsUpdated: 0, rowsDeleted: 0 });
    expect(failed.run.error?.message).toMatch(/boom at the last chunk/);
    // The three upserts and two of the three deletes were written before the failure…
    expect(failed.leadWrites).toBe(5);
    // …and every one of them rolled back.
    expect(await bed.leads(customer)).toEqual(before);
    expect(await bed.state(customer)).toMatchObject({
      lastOutcome: 'failed',
      lastChecksum: stateBefore.lastChecksum,
      lastBodyHash: stateBefore.lastBodyHash,
      rowCount: 12,
    });
    expect(await stagingTables(bed.db)).toEqual([]);

    const retried = await bed.sync(customer, { batchSize: 1 });
    expect(retried.run).toMatchObject({
      outcome: 'success',
      rowsInserted: 1,
      rowsUpdated: 2,
      rowsDeleted: 3,
    });
  });
});
