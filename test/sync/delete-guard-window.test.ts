import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { PEOPLE, peopleCsv, useSyncBed, type SyncBed, type TestCustomer } from './support.js';

const without = (...gone: string[]) => peopleCsv(PEOPLE.filter((n) => !gone.includes(n)));
const DAY = 86_400_000;

/** Moves every run of the customer so far back in time (the bed's clock stands still at NOW). */
async function age(bed: SyncBed, customer: TestCustomer, days: number): Promise<void> {
  for (const run of await bed.runs(customer))
    await bed.db
      .updateTable('lead_sync_runs')
      .set({ startedAt: new Date(Date.parse(run.startedAt) - days * DAY).toISOString() })
      .where('id', '=', run.id)
      .execute();
}

async function liveLeadsAfter(bed: SyncBed, runId: string): Promise<number | null> {
  const row = await bed.db
    .selectFrom('lead_sync_runs')
    .select('liveLeadsAfter')
    .where('id', '=', runId)
    .executeTakeFirstOrThrow();
  return row.liveLeadsAfter;
}

describeEachDialect('the mass-delete guard over a window of runs', (dialect) => {
  const bed = useSyncBed(dialect);

  it('records the live sheet leads after each successful or unchanged run, none on a held one', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const [first] = await bed.runs(customer);
    expect(await liveLeadsAfter(bed, first!.id)).toBe(6);
    bed.setSheet(customer, without('Ada'));
    expect(await liveLeadsAfter(bed, (await bed.sync(customer)).run.id)).toBe(5);
    expect(await liveLeadsAfter(bed, (await bed.sync(customer)).run.id)).toBe(5);
    bed.setSheet(customer, 'Name,Email,Company,Notes\n');
    const held = await bed.sync(customer);
    expect(held.run.outcome).toBe('needs_review');
    expect(await liveLeadsAfter(bed, held.run.id)).toBeNull();
  });

  it('is not worn down by two clean shrinks in a row: the second is held against the count before the first', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    // A body that ended early but cleanly: 2 of 6 gone (33 %), under the 50 % threshold.
    bed.setSheet(customer, without('Ada', 'Bob'));
    expect((await bed.sync(customer)).run).toMatchObject({ outcome: 'success', rowsDeleted: 2 });

    // 2 of the 4 left is exactly half, which alone would pass; against the 6 of before it is 67 %.
    bed.setSheet(customer, without('Ada', 'Bob', 'Cyd', 'Dee'));
    const second = await bed.sync(customer);
    expect(second.run).toMatchObject({
      outcome: 'needs_review',
      rowsDeleted: 0,
      pendingDeletes: 2,
      error: {
        code: 'MASS_DELETE_HELD',
        message:
          'The sheet would delete 2 of 4 leads, which would leave 2 of the 6 leads seen in the last 7 days (threshold 50 %); approve the run to apply it',
      },
    });
    expect(second.run.details).toMatchObject({ liveLeads: 4, recentLiveLeads: 6 });
    expect(second.leadWrites).toBe(0);
    expect((await bed.leads(customer)).filter((l) => l.deletedAt === null)).toHaveLength(4);
  });

  it('starts the window again at an approval: what a person approved is the new standard', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    bed.setSheet(customer, without('Ada', 'Bob', 'Cyd', 'Dee'));
    expect((await bed.sync(customer)).run.outcome).toBe('needs_review');
    const approved = await bed.sync(customer, { trigger: 'approval', allowDeletes: true });
    expect(approved.run).toMatchObject({ outcome: 'success', rowsDeleted: 4 });

    // 1 of the 2 approved is half of them: through, though the 6 of before are in the last 7 days.
    bed.setSheet(customer, without('Ada', 'Bob', 'Cyd', 'Dee', 'Eve'));
    expect((await bed.sync(customer)).run).toMatchObject({ outcome: 'success', rowsDeleted: 1 });
  });

  it('says "since the last approval" when an approval started the window', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    bed.setSheet(customer, without('Ada', 'Bob', 'Cyd', 'Dee'));
    expect((await bed.sync(customer)).run.outcome).toBe('needs_review');
    expect((await bed.sync(customer, { trigger: 'approval', allowDeletes: true })).run.outcome).toBe(
      'success',
    );
    // Back to six, then down to two: 4 of 6 is held, against the six seen since the approval.
    bed.setSheet(customer, peopleCsv(PEOPLE));
    expect((await bed.sync(customer)).run.outcome).toBe('success');
    bed.setSheet(customer, without('Ada', 'Bob'));
    expect((await bed.sync(customer)).run.outcome).toBe('success');
    bed.setSheet(customer, without('Ada', 'Bob', 'Cyd', 'Dee'));
    const held = await bed.sync(customer);
    expect(held.run.error?.message).toContain('leave 2 of the 6 leads seen since the last approval');
  });

  it('forgets runs older than the window', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    bed.setSheet(customer, without('Ada', 'Bob'));
    expect((await bed.sync(customer)).run.outcome).toBe('success');
    // The run that saw six leads and the one that left four are 7 days and 1 hour old.
    await age(bed, customer, 7 + 1 / 24);

    bed.setSheet(customer, without('Ada', 'Bob', 'Cyd', 'Dee'));
    expect((await bed.sync(customer)).run).toMatchObject({ outcome: 'success', rowsDeleted: 2 });
  });

  it('counts a run just inside the window', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    bed.setSheet(customer, without('Ada', 'Bob'));
    expect((await bed.sync(customer)).run.outcome).toBe('success');
    await age(bed, customer, 6);

    bed.setSheet(customer, without('Ada', 'Bob', 'Cyd', 'Dee'));
    expect((await bed.sync(customer)).run.outcome).toBe('needs_review');
  });
});
