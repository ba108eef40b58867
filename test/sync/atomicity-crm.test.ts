import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createManualLead, updateLeadCrmFields } from '../../src/db/leads.repository.js';
import { describeEachDialect, type TestDialect } from '../helpers/databases.js';
import { NOW, PEOPLE, peopleCsv, useSyncBed, type SyncBed, type TestCustomer } from './support.js';
import { heldBody } from '../fake-google/server.js';

const TWELVE = Array.from({ length: 12 }, (_, i) => `P${String(i + 1).padStart(2, '0')}`);

/**
 * The sheet after a busy week: five rows edited, three added and one removed, with the lead
 * `boom@example.com` added last, so that with batches of 2 four batches are written before it.
 */
const BUSY_WEEK = [
  peopleCsv(TWELVE.slice(0, 11)).replace(/Met (P0[1-5])/g, 'Called $1'),
  'New1,new1@example.com,Initech,',
  'New2,new2@example.com,Initech,',
  'New3,new3@example.com,Initech,',
  'Boom,boom@example.com,Initech,',
].join('\n');

/** Makes the database refuse to insert or update the lead with `externalKey`, as a full disk would. */
async function refuseWritesOf(db: Kysely<Database>, dialect: TestDialect, externalKey: string) {
  const key = sql.lit(externalKey);
  if (dialect === 'sqlite') {
    for (const op of ['INSERT', 'UPDATE'])
      await sql`CREATE TRIGGER ${sql.id(`refuse_${op}`)} BEFORE ${sql.raw(op)} ON leads
        WHEN NEW."externalKey" = ${key} BEGIN SELECT RAISE(ABORT, 'boom'); END`.execute(db);
    return async () => {
      await sql`DROP TRIGGER refuse_INSERT`.execute(db);
      await sql`DROP TRIGGER refuse_UPDATE`.execute(db);
    };
  }
  await sql`CREATE FUNCTION refuse_lead() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW."externalKey" = ${key} THEN RAISE EXCEPTION 'boom'; END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER refuse_lead BEFORE INSERT OR UPDATE ON leads
    FOR EACH ROW EXECUTE FUNCTION refuse_lead()`.execute(db);
  return async () => {
    await sql`DROP TRIGGER refuse_lead ON leads`.execute(db);
    await sql`DROP FUNCTION refuse_lead()`.execute(db);
  };
}

describeEachDialect('atomicity and CRM safety', (dialect) => {
  const bed: SyncBed = useSyncBed(dialect);
  const seed = async (): Promise<TestCustomer> => bed.seeded(peopleCsv(TWELVE));

  it('leaves the old data exactly as it was when the database fails in the middle of the apply', async () => {
    const customer = await seed();
    const before = await bed.leads(customer);
    const stateBefore = await bed.state(customer);
    bed.setSheet(customer, BUSY_WEEK);

    const allow = await refuseWritesOf(bed.db, dialect, 'email:boom@example.com');
    const failed = await bed.sync(customer, { batchSize: 2 }).finally(allow);

    expect(failed.run).toMatchObject({ outcome: 'failed', rowsInserted: 0, rowsUpdated: 0, rowsDeleted: 0 });
    expect(failed.run.error?.message).toMatch(/boom/);
    // Earlier batches were written inside the transaction before the failure…
    expect(failed.leadWrites).toBeGreaterThanOrEqual(8);
    // …and rolled back with it.
    expect(await bed.leads(customer)).toEqual(before);
    expect(await bed.state(customer)).toMatchObject({
      lastOutcome: 'failed',
      lastChecksum: stateBefore.lastChecksum,
      lastSuccessAt: stateBefore.lastSuccessAt,
      rowCount: 12,
    });

    const retried = await bed.sync(customer, { batchSize: 2 });
    expect(retried.run).toMatchObject({
      outcome: 'success',
      rowsInserted: 4,
      rowsUpdated: 5,
      rowsDeleted: 1,
    });
  });

  it('cancels through the AbortSignal when writing starts, writing nothing', async () => {
    const customer = await seed();
    const before = await bed.leads(customer);
    bed.setSheet(customer, BUSY_WEEK);
    const controller = new AbortController();

    const { run } = await bed.sync(customer, {
      batchSize: 2,
      signal: controller.signal,
      onProgress: (p) => p.phase === 'applying' && controller.abort(),
    });

    expect(run).toMatchObject({ outcome: 'cancelled', error: { code: 'SYNC_CANCELLED' }, rowsInserted: 0 });
    expect(await bed.leads(customer)).toEqual(before);
    expect(await bed.state(customer)).toMatchObject({ lastOutcome: 'cancelled', isRunning: false });
  });

  it('cancels through the AbortSignal while the sheet downloads', async () => {
    const customer = await seed();
    const before = await bed.leads(customer);
    bed.setSheet(customer, BUSY_WEEK);
    // The first bytes come, the rest is held: the abort comes once the fake has sent them.
    const controller = new AbortController();
    const held = heldBody(64, () => controller.abort());
    bed.fake.fault(customer.sheetId, held.fault, { times: 1 });

    const { run, sleeps } = await bed.sync(customer, { signal: controller.signal }).finally(held.release);

    expect(run).toMatchObject({ outcome: 'cancelled', error: { code: 'SYNC_CANCELLED' }, retryCount: 0 });
    expect(sleeps).toEqual([]);
    expect(await bed.leads(customer)).toEqual(before);
  });

  it('rolls back the batches already written when cancelled in the middle of the apply', async () => {
    const customer = await seed();
    const before = await bed.leads(customer);
    bed.setSheet(customer, BUSY_WEEK);
    const controller = new AbortController();

    const { run, leadWrites } = await bed.sync(customer, {
      batchSize: 2,
      signal: controller.signal,
      onLeadWrite: () => controller.abort(),
    });

    expect(run.outcome).toBe('cancelled');
    expect(leadWrites).toBe(2);
    expect(await bed.leads(customer)).toEqual(before);
  });

  it("keeps a lead's status and score when its sheet row is edited", async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const ada = (await bed.leads(customer)).find((l) => l.email === 'ada@example.com');
    await updateLeadCrmFields(
      bed.db,
      ada?.id ?? '',
      { status: 'qualified', score: 87, convertedAt: NOW },
      NOW,
    );

    bed.setSheet(
      customer,
      peopleCsv(PEOPLE).replace('Ada,ada@example.com,Acme', 'Ada,ada@example.com,Acme Group'),
    );
    expect((await bed.sync(customer)).run).toMatchObject({ outcome: 'success', rowsUpdated: 1 });

    const after = (await bed.leads(customer)).find((l) => l.email === 'ada@example.com');
    expect(after).toMatchObject({ id: ada?.id, company: 'Acme Group', status: 'qualified', score: 87 });
    expect(new Date(after?.convertedAt ?? 0).toISOString()).toBe(NOW.toISOString());
  });

  it('never touches a hand-made lead, not even when an approved run empties the sheet', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const manual = await createManualLead(
      bed.db,
      customer.id,
      { fullName: 'Ada', email: 'ada@example.com', company: 'Acme', status: 'qualified', score: 5 },
      NOW,
    );
    const [handMade] = (await bed.leads(customer)).filter((l) => l.id === manual.id);

    bed.setSheet(customer, peopleCsv(PEOPLE).replace('Met Ada', 'Met Ada twice'));
    expect((await bed.sync(customer)).run).toMatchObject({ outcome: 'success', rowsUpdated: 1 });
    bed.setSheet(customer, 'Name,Email,Company,Notes\n');
    expect((await bed.sync(customer)).run).toMatchObject({ outcome: 'needs_review', pendingDeletes: 6 });
    const approved = await bed.sync(customer, { trigger: 'approval', allowDeletes: true });
    expect(approved.run).toMatchObject({ outcome: 'success', rowsDeleted: 6 });

    const after = await bed.leads(customer);
    expect(after.filter((l) => l.origin === 'sheet').every((l) => l.deletedAt !== null)).toBe(true);
    expect(after.filter((l) => l.origin === 'manual')).toEqual([handMade]);
  });
});
