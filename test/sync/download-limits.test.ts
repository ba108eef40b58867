import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { expectOutcome, PEOPLE, peopleCsv, useSyncBed, type TestCustomer } from './support.js';

/**
 * Whole syncs against sheets that are too slow, too big in one cell, row or header, HTML in
 * disguise, or compressed: each run fails with its own code and leaves every lead as it was
 * (or, for gzip, reads the sheet as if it had come plain).
 */
const EDITED = peopleCsv(['Ada', 'Bob']).replace('Met Ada', 'Met Ada again');
/** A sheet of many rows, so a trickle of it takes seconds. */
const LONG = peopleCsv(Array.from({ length: 400 }, (_, i) => `P${i}`));

describeEachDialect('download limits in a sync', (dialect) => {
  const bed = useSyncBed(dialect);

  async function expectFailedUntouched(
    customer: TestCustomer,
    code: string,
    options: Parameters<typeof bed.sync>[1] = {},
  ) {
    const before = await bed.leads(customer);
    const { run, leadWrites, sleeps } = await bed.sync(customer, options);
    bed.fake.clearFaults();
    expect(run).toMatchObject({ outcome: 'failed', error: { code }, rowsDeleted: 0 });
    expect(leadWrites).toBe(0);
    expect(await bed.leads(customer)).toEqual(before);
    return { run, sleeps };
  }

  it('fails with SHEET_DOWNLOAD_TIMEOUT on a trickle that outlasts the deadline, without retrying', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    bed.setSheet(customer, LONG);
    bed.fake.fault(customer.sheetId, { slowBody: { chunkBytes: 200, delayMs: 10 } });
    const { run, sleeps } = await expectFailedUntouched(customer, 'SHEET_DOWNLOAD_TIMEOUT', {
      env: { LEADSYNC_FETCH_DEADLINE_MS: '300' },
    });
    expect(run.retryCount).toBe(0);
    expect(sleeps).toEqual([]);
  });

  it('fails with SHEET_DOWNLOAD_TOO_SLOW on a trickle below the minimum rate, without retrying', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    bed.setSheet(customer, LONG);
    bed.fake.fault(customer.sheetId, { slowBody: { chunkBytes: 10, delayMs: 20 } });
    const { run } = await expectFailedUntouched(customer, 'SHEET_DOWNLOAD_TOO_SLOW', {
      timeoutMs: 200,
      env: { LEADSYNC_FETCH_MIN_BYTES_PER_SECOND: '5000' },
    });
    expect(run.retryCount).toBe(0);
  });

  it('fails with SHEET_CELL_TOO_LARGE on a cell over 50,000 characters, naming where, not what', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const secret = 'SECRET'.repeat(200_000);
    bed.setSheet(customer, EDITED.replace('Met Bob', `"${secret}"`));
    const { run } = await expectFailedUntouched(customer, 'SHEET_CELL_TOO_LARGE');
    expect(run.error?.message).toMatch(/^Row 3, column 4 /);
    expect(JSON.stringify(run)).not.toContain('SECRETSECRET');
    expect(JSON.stringify(run).length).toBeLessThan(10_000);
  });

  it('fails with SHEET_TOO_MANY_COLUMNS on a header wider than 18,278 columns, quickly', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const header = Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join(',');
    bed.setSheet(customer, `${header}\n${EDITED}`);
    const started = performance.now();
    await expectFailedUntouched(customer, 'SHEET_TOO_MANY_COLUMNS');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('syncs a sheet of exactly 18,278 columns', async () => {
    const customer = await bed.customer(
      [
        Array.from({ length: 18_278 }, (_, i) => (i === 0 ? 'Email' : `c${i}`)).join(','),
        'ada@example.com,x',
      ].join('\n'),
    );
    const { run } = await bed.sync(customer);
    expectOutcome(run, 'success');
    expect(run.rowsInserted).toBe(1);
  });

  it('fails with SHEET_ROW_TOO_LARGE on a row over the row limit, even of cells within theirs', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const cell = 'n'.repeat(49_000);
    bed.setSheet(customer, `${EDITED}Cyd,cyd@example.com,${cell},${cell},${cell},${cell},${cell},${cell}\n`);
    await expectFailedUntouched(customer, 'SHEET_ROW_TOO_LARGE');
  });

  it('fails with SHEET_NOT_CSV on a page starting <head> served as CSV, even with the guard at 100 %', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE), { deleteThresholdPercent: 100 });
    for (const page of ['<head><title>Error</title></head>', '<!-- maintenance -->\nBack soon', '<HTML>']) {
      bed.fake.fault(customer.sheetId, { page, contentType: 'text/plain' });
      await expectFailedUntouched(customer, 'SHEET_NOT_CSV');
    }
  });

  it('reads a gzipped sheet, solicited or not, as the same sheet (same body hash, nothing rewritten)', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const plain = await bed.state(customer);
    bed.setSheet(customer, peopleCsv(PEOPLE), { gzip: true, contentLength: true });
    const gzipped = await bed.sync(customer);
    expect(gzipped.run.outcome).toBe('unchanged');
    expect(gzipped.leadWrites).toBe(0);
    expect((await bed.state(customer)).lastBodyHash).toBe(plain.lastBodyHash);

    bed.setSheet(customer, EDITED);
    bed.fake.fault(customer.sheetId, { unsolicitedGzip: true });
    const { run } = await bed.sync(customer, { allowDeletes: true });
    bed.fake.clearFaults();
    expect(run).toMatchObject({ outcome: 'success', rowsUpdated: 1, rowsDeleted: PEOPLE.length - 2 });
    expect(JSON.stringify(await bed.leads(customer))).toContain('Met Ada again');
  });

  it('copies header names into sheet.headers_changed bounded: 100 names of 200 characters at most', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const wide = Array.from({ length: 150 }, (_, i) => `Col ${i} ${'h'.repeat(1500)}`);
    bed.setSheet(
      customer,
      `Name,Email,${wide.join(',')}
Ada,ada@example.com
`,
    );
    expectOutcome((await bed.sync(customer, { allowDeletes: true })).run, 'success');
    const events = await bed.db
      .selectFrom('outbox_events')
      .select(['type', 'payload'])
      .where('customerId', '=', customer.id)
      .where('type', '=', 'sheet.headers_changed')
      .execute();
    expect(events).toHaveLength(1);
    const payload = String(events[0]!.payload);
    expect(payload.length).toBeLessThan(70_000);
    expect(JSON.parse(payload)).toMatchObject({ addedOmitted: 50, headersOmitted: 52, removedOmitted: 0 });
  });

  it('fails with SHEET_ENCODING_UNSUPPORTED on an encoding it cannot read, without retrying', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    bed.fake.fault(customer.sheetId, { contentEncoding: 'br' });
    const { run } = await expectFailedUntouched(customer, 'SHEET_ENCODING_UNSUPPORTED');
    expect(run.retryCount).toBe(0);
  });
});
