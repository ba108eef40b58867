import { expect, it } from 'vitest';
import type { Customer } from '../../src/db/customers.repository.js';
import { sourceForCustomer } from '../../src/sync/customer-source.js';
import type { SheetSource } from '../../src/sources/types.js';
import { describeEachDialect } from '../helpers/databases.js';
import { PEOPLE, peopleCsv, syncConfig, useSyncBed } from '../sync/support.js';

/**
 * A source that throws a plain TypeError (what a bug looks like) on its first `failures` opens,
 * then behaves: a retry would succeed, so a run that retried unknown errors ends `success`.
 */
function buggyOnce(bed: ReturnType<typeof useSyncBed>, failures: number): (c: Customer) => SheetSource {
  let left = failures;
  return (customer) => {
    const real = sourceForCustomer(customer, syncConfig(bed.fake));
    return {
      kind: real.kind,
      describe: () => real.describe(),
      open: (options) => {
        if (left-- > 0) throw new TypeError("Cannot read properties of undefined (reading 'rows')");
        return real.open(options);
      },
    };
  };
}

describeEachDialect('unknown errors', (dialect) => {
  const bed = useSyncBed(dialect);

  it('fails an unknown error at once as INTERNAL, without retries, leaving every lead as it was', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const before = await bed.leads(customer);
    bed.setSheet(customer, peopleCsv(['Ada', 'Bob']));

    const { run, sleeps, leadWrites } = await bed.sync(customer, { sourceFor: buggyOnce(bed, 1) });

    expect(run).toMatchObject({ outcome: 'failed', error: { code: 'INTERNAL' }, retryCount: 0 });
    expect(run.error?.message).toContain("reading 'rows'");
    expect(sleeps).toEqual([]);
    expect(leadWrites).toBe(0);
    expect(await bed.leads(customer)).toEqual(before);
  });

  it('still retries a known transient failure (a 503) and succeeds', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    bed.setSheet(customer, peopleCsv(PEOPLE.slice(0, 5)));
    bed.fake.fault(customer.sheetId, { status: 503 }, { times: 1 });

    const { run, sleeps } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'success', retryCount: 1, rowsDeleted: 1 });
    expect(sleeps).toHaveLength(1);
  });
});
