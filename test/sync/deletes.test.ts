import { expect, it } from 'vitest';
import { findRunById } from '../../src/db/sync-runs.repository.js';
import { describeEachDialect } from '../helpers/databases.js';
import { byKey, PEOPLE, peopleCsv, useSyncBed } from './support.js';

const HEADER_ONLY = 'Name,Email,Company,Notes\n';
const without = (...gone: string[]) => peopleCsv(PEOPLE.filter((n) => !gone.includes(n)));

describeEachDialect('deletes, restores and the mass-delete guard', (dialect) => {
  const bed = useSyncBed(dialect);

  it('soft-deletes a lead whose row was removed, and restores the same lead when the row comes back', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const before = byKey(await bed.leads(customer));

    bed.setSheet(customer, without('Cyd'));
    const removed = await bed.sync(customer);
    expect(removed.run).toMatchObject({
      outcome: 'success',
      rowsDeleted: 1,
      rowsInserted: 0,
      rowsUpdated: 0,
    });
    expect(removed.leadWrites).toBe(1);
    const cyd = (await bed.leads(customer)).find((l) => l.email === 'cyd@example.com');
    expect(cyd).toMatchObject({ id: before.get('email:cyd@example.com')?.id, deletedAt: expect.any(String) });

    bed.setSheet(customer, peopleCsv(PEOPLE));
    const back = await bed.sync(customer);
    expect(back.run).toMatchObject({ outcome: 'success', rowsInserted: 0, rowsUpdated: 1, rowsDeleted: 0 });
    expect(back.run.details).toMatchObject({ restored: 1 });
    expect(back.leadWrites).toBe(1);
    const restored = (await bed.leads(customer)).find((l) => l.email === 'cyd@example.com');
    expect(restored).toMatchObject({ id: cyd?.id, firstSeenAt: cyd?.firstSeenAt, deletedAt: null });
  });

  it('holds a sheet emptied down to its header for review: no lead deleted, the pending deletes on the run', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const before = await bed.leads(customer);

    bed.setSheet(customer, HEADER_ONLY);
    const { run, leadWrites } = await bed.sync(customer);

    expect(run).toMatchObject({
      outcome: 'needs_review',
      rowsProcessed: 0,
      rowsDeleted: 0,
      pendingDeletes: 6,
      error: { code: 'MASS_DELETE_HELD' },
    });
    expect(leadWrites).toBe(0);
    expect(await bed.leads(customer)).toEqual(before);
  });

  it('holds a sheet that parses to no lead at all, even for a customer who allows deleting every lead', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE), { deleteThresholdPercent: 100 });
    const before = await bed.leads(customer);

    for (const empty of [HEADER_ONLY, '']) {
      bed.setSheet(customer, empty);
      const { run, leadWrites } = await bed.sync(customer);
      expect(run).toMatchObject({ outcome: 'needs_review', pendingDeletes: 6 });
      expect(leadWrites).toBe(0);
    }
    expect(await bed.leads(customer)).toEqual(before);
  });

  it('holds a run that would delete more than half of the leads, and lets exactly half through', async () => {
    const held = await bed.seeded(peopleCsv(PEOPLE));
    bed.setSheet(held, without('Ada', 'Bob', 'Cyd', 'Dee'));
    const four = await bed.sync(held);
    expect(four.run).toMatchObject({ outcome: 'needs_review', pendingDeletes: 4, rowsDeleted: 0 });
    expect(four.leadWrites).toBe(0);

    const half = await bed.seeded(peopleCsv(PEOPLE));
    bed.setSheet(half, without('Ada', 'Bob', 'Cyd'));
    expect((await bed.sync(half)).run).toMatchObject({ outcome: 'success', rowsDeleted: 3 });
  });

  it("holds by the customer's own threshold", async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE), { deleteThresholdPercent: 10 });
    bed.setSheet(customer, without('Fay'));

    expect((await bed.sync(customer)).run).toMatchObject({ outcome: 'needs_review', pendingDeletes: 1 });
  });

  it('applies the held deletes when the run is approved, and the held run keeps its outcome', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    bed.setSheet(customer, without('Ada', 'Bob', 'Cyd', 'Dee'));
    const held = await bed.sync(customer);
    expect(held.run.outcome).toBe('needs_review');

    const approved = await bed.sync(customer, { trigger: 'approval', allowDeletes: true });

    expect(approved.run).toMatchObject({ outcome: 'success', trigger: 'approval', rowsDeleted: 4 });
    expect(approved.leadWrites).toBe(4);
    const live = (await bed.leads(customer)).filter((l) => l.deletedAt === null);
    expect(live.map((l) => l.fullName)).toEqual(['Eve', 'Fay']);
    expect((await findRunById(bed.db, held.run.id))?.outcome).toBe('needs_review');
  });
});
