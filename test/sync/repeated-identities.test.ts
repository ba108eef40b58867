import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { useSyncBed, type LeadRow, type TestCustomer } from './support.js';

/**
 * Rows that share an identity (here: one email on two rows, `email:…` and `email:…#2`) are
 * matched to stored leads by content first and position last: re-sorting never moves a lead's
 * CRM fields to the other row, and editing one row updates that row's lead.
 */
const HEADER = 'Name,Email,Phone,Notes';
const ADA = 'Ada Lovelace,ada@example.com,020 7946 0001,first contact';
const ADA_TOO = 'Ada King,ada@example.com,020 7946 0002,her assistant';
const BOB = 'Bob Byron,bob@example.com,020 7946 0003,';
const sheet = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

describeEachDialect('rows that share an identity', (dialect) => {
  const bed = useSyncBed(dialect);

  /** What the CRM set on a lead, by the sheet name it carries. */
  const crmOf = async (customer: TestCustomer) => {
    const live = (await bed.leads(customer)).filter((l) => l.deletedAt === null);
    return Object.fromEntries(
      live.map((l: LeadRow) => [l.fullName, { status: l.status, score: l.score, notes: l.notes }]),
    );
  };
  const setCrm = (customer: TestCustomer, fullName: string, status: string, score: number) =>
    bed.db
      .updateTable('leads')
      .set({ status, score })
      .where('customerId', '=', customer.id)
      .where('fullName', '=', fullName)
      .execute();
  const seededPair = async () => {
    const customer = await bed.seeded(sheet(ADA, BOB, ADA_TOO));
    await setCrm(customer, 'Ada Lovelace', 'won', 90);
    await setCrm(customer, 'Ada King', 'lost', 10);
    return customer;
  };

  it('keeps status and score with their rows when the sheet is re-sorted, writing nothing', async () => {
    const customer = await seededPair();
    const before = await bed.leads(customer);

    bed.setSheet(customer, sheet(ADA_TOO, BOB, ADA));
    const { run, leadWrites } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'unchanged', rowsUpdated: 0, rowsInserted: 0, rowsUnchanged: 3 });
    expect(leadWrites).toBe(0);
    expect(await crmOf(customer)).toMatchObject({
      'Ada Lovelace': { status: 'won', score: 90 },
      'Ada King': { status: 'lost', score: 10 },
    });
    expect(await bed.leads(customer)).toEqual(before);
  });

  it('updates the lead of the row that was edited, even after a re-sort', async () => {
    const customer = await seededPair();

    bed.setSheet(customer, sheet(ADA_TOO.replace('her assistant', 'now the buyer'), ADA, BOB));
    const { run, leadWrites } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'success', rowsUpdated: 1, rowsInserted: 0, rowsDeleted: 0 });
    expect(leadWrites).toBe(1);
    expect(await crmOf(customer)).toMatchObject({
      'Ada Lovelace': { status: 'won', score: 90, notes: 'first contact' },
      'Ada King': { status: 'lost', score: 10, notes: 'now the buyer' },
    });
  });

  it('gives a new row above an existing one of the same identity a lead of its own', async () => {
    const customer = await bed.seeded(sheet(ADA, BOB));
    await setCrm(customer, 'Ada Lovelace', 'won', 90);

    bed.setSheet(customer, sheet(ADA_TOO, ADA, BOB));
    const { run, leadWrites } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'success', rowsInserted: 1, rowsUpdated: 0, rowsUnchanged: 2 });
    expect(leadWrites).toBe(1);
    expect(await crmOf(customer)).toEqual({
      'Ada Lovelace': { status: 'won', score: 90, notes: 'first contact' },
      'Ada King': { status: 'new', score: null, notes: 'her assistant' },
      'Bob Byron': { status: 'new', score: null, notes: null },
    });
    const keys = (await bed.leads(customer)).map((l) => [l.externalKey, l.fullName]);
    expect(keys).toContainEqual(['email:ada@example.com', 'Ada Lovelace']);
    expect(keys).toContainEqual(['email:ada@example.com#2', 'Ada King']);
  });

  it('deletes the row that left, not the one that moved up into its place', async () => {
    const customer = await seededPair();

    bed.setSheet(customer, sheet(ADA_TOO, BOB));
    const { run } = await bed.sync(customer, { allowDeletes: true });

    expect(run).toMatchObject({ outcome: 'success', rowsDeleted: 1, rowsUpdated: 0, rowsUnchanged: 2 });
    expect(await crmOf(customer)).toEqual({
      'Ada King': { status: 'lost', score: 10, notes: 'her assistant' },
      'Bob Byron': { status: 'new', score: null, notes: null },
    });
  });

  it('matches by position what content cannot tell: both rows edited keep their order', async () => {
    const customer = await seededPair();

    bed.setSheet(
      customer,
      sheet(ADA.replace('first contact', 'call back'), BOB, ADA_TOO.replace('her assistant', 'left')),
    );
    const { run } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'success', rowsUpdated: 2 });
    expect(await crmOf(customer)).toMatchObject({
      'Ada Lovelace': { status: 'won', notes: 'call back' },
      'Ada King': { status: 'lost', notes: 'left' },
    });
  });
});
