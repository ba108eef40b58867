import { expect, it } from 'vitest';
import type { Lead } from '../../src/db/leads.repository.js';
import type { SyncRun } from '../../src/db/sync-runs.repository.js';
import { describeEachDialect } from '../helpers/databases.js';
import { PEOPLE, peopleCsv, useSyncBed, type TestCustomer } from '../sync/support.js';
import { leadsyncInProcess } from './in-process.js';
import { jsonOf } from './support.js';

describeEachDialect('leadsync runs, leads and approve', (dialect) => {
  const bed = useSyncBed(dialect);
  const cli = (...args: string[]) => leadsyncInProcess(args, { databaseUrl: bed.url, fake: bed.fake });
  /** A customer with a successful first sync and a run held because it would delete 4 of 6 leads. */
  const withHeldRun = async (): Promise<{ customer: TestCustomer; first: SyncRun; held: SyncRun }> => {
    const customer = await bed.customer(peopleCsv(PEOPLE));
    const first = (await bed.sync(customer)).run;
    bed.setSheet(customer, peopleCsv(['Eve', 'Fay']));
    const held = (await bed.sync(customer)).run;
    expect([first.outcome, held.outcome]).toEqual(['success', 'needs_review']);
    return { customer, first, held };
  };

  it("prints a customer's runs as a table, newest first", async () => {
    const { customer, first, held } = await withHeldRun();

    const result = await cli('runs', '--customer', customer.name);

    expect(result.code).toBe(0);
    const [header, rule, ...lines] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^id\s+trigger\s+outcome\s+startedAt/);
    expect(rule).toMatch(/^-+\s+-+/);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${held.id}\\s+manual\\s+needs_review\\s.*MASS_DELETE_HELD`));
    expect(lines[1]).toMatch(new RegExp(`^${first.id}\\s+manual\\s+success\\s`));
  });

  it("prints a customer's leads as a table, and as JSON with --json (GET /api/leads's fields)", async () => {
    const { customer, held } = await withHeldRun();

    const table = await cli('leads', '--customer', customer.name);
    expect(table.code).toBe(0);
    const [header, , ...lines] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^externalKey\s+fullName\s+email/);
    // Listed in id order, which is creation order but not sheet order within one batch.
    expect(lines.map((line) => line.split(/\s+/).slice(0, 3)).sort()).toEqual(
      PEOPLE.map((n) => [`email:${n.toLowerCase()}@example.com`, n, `${n.toLowerCase()}@example.com`]),
    );

    const json = await cli('leads', '--customer', customer.name, '--json', '--limit', '4');
    expect(json.code).toBe(0);
    const page = jsonOf<{ leads: Lead[]; lastSyncAt: string | null; nextCursor: string | null }>(json);
    expect(Object.keys(page)).toEqual(['leads', 'lastSyncAt', 'nextCursor']);
    expect(page.lastSyncAt).toBe(held.finishedAt);
    expect(page.leads).toHaveLength(4);
    for (const lead of page.leads) {
      expect(lead).toMatchObject({
        customerId: customer.id,
        origin: 'sheet',
        status: 'new',
        deletedAt: null,
      });
      expect(lead.email).toBe(`${lead.fullName?.toLowerCase()}@example.com`);
    }
    expect(page.nextCursor).toBe(page.leads[3]?.id);
  });

  it('approves a held run: syncs again with the deletions allowed', async () => {
    const { customer, held } = await withHeldRun();

    const result = await cli('approve', held.id, '--json');

    expect(result.code).toBe(0);
    expect(jsonOf<SyncRun>(result)).toMatchObject({
      customerId: customer.id,
      trigger: 'approval',
      outcome: 'success',
      rowsDeleted: 4,
    });
    const live = (await bed.leads(customer)).filter((l) => l.deletedAt === null).map((l) => l.fullName);
    expect(live).toEqual(['Eve', 'Fay']);
  });

  it('refuses to approve the latest run when it was not held, with RUN_NOT_APPROVABLE', async () => {
    const customer = await bed.customer(peopleCsv(PEOPLE));
    const first = (await bed.sync(customer)).run;
    const before = await bed.leads(customer);

    const result = await cli('approve', first.id);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('error RUN_NOT_APPROVABLE');
    expect(await bed.leads(customer)).toEqual(before);
    expect(await bed.runs(customer)).toHaveLength(1);
  });

  it('refuses any run but the latest finished one, with RUN_NOT_LATEST, and syncs nothing', async () => {
    const { customer, first, held } = await withHeldRun();
    const later = (await bed.sync(customer)).run;
    expect(later.outcome).toBe('needs_review');
    const before = await bed.leads(customer);

    for (const superseded of [first, held]) {
      const result = await cli('approve', superseded.id);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('error RUN_NOT_LATEST');
      expect(result.stderr).toContain(`run ${later.id} ended needs_review after it`);
    }
    expect(await bed.leads(customer)).toEqual(before);
    expect(await bed.runs(customer)).toHaveLength(3);
  });

  it('holds the approval when the sheet would now delete more than was approved (exit 3, nothing deleted)', async () => {
    const { customer, held } = await withHeldRun();
    bed.setSheet(customer, peopleCsv(['Fay']));
    const before = await bed.leads(customer);

    const result = await cli('approve', held.id, '--json');

    expect(result.code).toBe(3);
    expect(jsonOf<SyncRun>(result)).toMatchObject({
      trigger: 'approval',
      outcome: 'needs_review',
      rowsDeleted: 0,
      pendingDeletes: 5,
      error: { code: 'MASS_DELETE_HELD', message: 'the sheet changed since the approval: 1 more delete' },
    });
    expect(await bed.leads(customer)).toEqual(before);
  });
});
