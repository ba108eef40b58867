import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { PEOPLE, peopleCsv, useSyncBed, type TestCustomer } from './support.js';

/** The sheet after edits that a failed download must not half-apply (Ada edited first, rows gone). */
const EDITED = peopleCsv(['Ada', 'Bob']).replace('Met Ada', 'Met Ada again');

describeEachDialect('source failures and retries', (dialect) => {
  const bed = useSyncBed(dialect);
  const requestsFor = (customer: TestCustomer) =>
    bed.fake.requests.filter((r) => r.path.includes(customer.sheetId)).map((r) => r.path);

  it('fails with SHEET_NOT_PUBLIC when the sheet is made private, leaving every lead as it was', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const before = await bed.leads(customer);

    bed.setSheet(customer, EDITED, { private: true });
    const { run, leadWrites, sleeps } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'failed', error: { code: 'SHEET_NOT_PUBLIC' }, retryCount: 0 });
    expect(sleeps).toEqual([]);
    expect(leadWrites).toBe(0);
    expect(await bed.leads(customer)).toEqual(before);
  });

  it('fails on a sign-in page served with 200 instead of reading it as an empty sheet', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const before = await bed.leads(customer);

    bed.fake.fault(customer.sheetId, { htmlSignInPage: true });
    const { run, leadWrites } = await bed.sync(customer);
    bed.fake.clearFaults();

    expect(run).toMatchObject({ outcome: 'failed', error: { code: 'SHEET_NOT_PUBLIC' }, rowsDeleted: 0 });
    expect(leadWrites).toBe(0);
    expect(await bed.leads(customer)).toEqual(before);
  });

  it('fails with SHEET_TAB_NOT_FOUND when the tab is gone, and never falls back to another tab', async () => {
    const customer = await bed.seeded(
      [
        { gid: '0', title: 'Archive', csv: peopleCsv(['Old']) },
        { gid: '777', title: 'Leads', csv: peopleCsv(PEOPLE) },
      ],
      { gid: '777' },
    );
    const before = await bed.leads(customer);
    expect(before).toHaveLength(PEOPLE.length);

    bed.setSheet(customer, [{ gid: '0', title: 'Archive', csv: peopleCsv(['Old']) }]);
    const { run, leadWrites } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'failed', error: { code: 'SHEET_TAB_NOT_FOUND' } });
    expect(leadWrites).toBe(0);
    expect(await bed.leads(customer)).toEqual(before);
    expect(new Set(requestsFor(customer))).toEqual(
      new Set([`/spreadsheets/d/${customer.sheetId}/export?format=csv&gid=777`]),
    );
  });

  it('retries after two 503s with the backoff schedule and succeeds', async () => {
    const customer = await bed.customer(peopleCsv(PEOPLE));
    bed.fake.fault(customer.sheetId, { status: 503 }, { times: 2 });

    const { run, sleeps } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'success', retryCount: 2, rowsInserted: 6 });
    // Base 1 s doubling, equal jitter with random() = 0.5: 750 ms, then 1500 ms.
    expect(sleeps).toEqual([750, 1500]);
    expect(requestsFor(customer)).toHaveLength(3);
  });

  it('waits at least as long as a 429 asks with Retry-After', async () => {
    const customer = await bed.customer(peopleCsv(PEOPLE));
    bed.fake.fault(customer.sheetId, { status: 429, retryAfter: '7' }, { times: 1 });

    const { run, sleeps } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'success', retryCount: 1 });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(7000);
  });

  it('fails with SHEET_TRUNCATED after the configured retries when every download is cut off', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const before = await bed.leads(customer);
    bed.setSheet(customer, EDITED);
    // The cut falls after the edited Ada row: a partial apply would show in her lead.
    expect(EDITED.indexOf('Met Ada again')).toBeLessThan(60);
    bed.fake.fault(customer.sheetId, { resetAfterBytes: 80 });

    const { run, leadWrites, sleeps } = await bed.sync(customer, { retries: 2 });
    bed.fake.clearFaults();

    expect(run).toMatchObject({ outcome: 'failed', error: { code: 'SHEET_TRUNCATED' }, retryCount: 2 });
    expect(sleeps).toEqual([750, 1500]);
    expect(requestsFor(customer).length).toBe(1 + 1 + 2);
    expect(leadWrites).toBe(0);
    expect(await bed.leads(customer)).toEqual(before);
  });

  it('fails with SHEET_TIMEOUT when the download stalls, instead of keeping the rows that arrived', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const before = await bed.leads(customer);
    bed.setSheet(customer, EDITED);
    bed.fake.fault(customer.sheetId, { stallAfterBytes: 80 });

    const { run, leadWrites } = await bed.sync(customer, { timeoutMs: 250, retries: 1 });
    bed.fake.clearFaults();

    expect(run).toMatchObject({ outcome: 'failed', error: { code: 'SHEET_TIMEOUT' }, retryCount: 1 });
    expect(leadWrites).toBe(0);
    expect(await bed.leads(customer)).toEqual(before);
  });
});
