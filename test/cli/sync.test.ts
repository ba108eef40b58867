import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { SyncRun } from '../../src/db/sync-runs.repository.js';
import { describeEachDialect } from '../helpers/databases.js';
import { generatedSheet, TEN_EDITED } from '../sync/generated-sheet.js';
import { useSyncBed } from '../sync/support.js';
import { leadsyncInProcess } from './in-process.js';
import { jsonOf, sheetLink } from './support.js';

const newSheetId = () => `1Cli${randomBytes(16).toString('hex')}`;

describeEachDialect('leadsync sync', (dialect) => {
  const bed = useSyncBed(dialect);
  const cli = (...args: string[]) => leadsyncInProcess(args, { databaseUrl: bed.url, fake: bed.fake });
  const leadsOf = (customerId: string) =>
    bed.db
      .selectFrom('leads')
      .selectAll()
      .where('customerId', '=', customerId)
      .orderBy('externalKey')
      .execute();

  it("prints the run's warnings after its summary; a warning never fails the sync", async () => {
    const sheetId = newSheetId();
    const csv = 'Name,Email,Phone,Date,Shoe size\nAda,ada@,12,13/02/2026,9\nBob,bob@example.com,,,\n';
    bed.fake.setSheet(sheetId, [{ gid: '0', title: 'Leads', csv }]);

    const result = await cli(
      'sync',
      sheetLink(sheetId),
      '--customer',
      `Warn ${sheetId}`,
      '--date-order',
      'MDY',
    );

    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/: success in .* 2 rows: 2 inserted/);
    expect(lines.slice(1)).toEqual([
      'warning COLUMNS_UNMAPPED: 1 column is kept only in data: "Shoe size" (e.g. Shoe size)',
      'warning EMAIL_INVALID: ada@ is not an email address (column Email, 1 cell; stored without an email) (e.g. ada@)',
      'warning PHONE_UNREADABLE: 12 is not a phone number, fewer than 5 digits (column Phone, 1 cell; kept as written) (e.g. 12)',
      'warning DATE_UNREADABLE: 13/02/2026 is not a date in month/day/year (column Date, 1 cell; stored without a date) (e.g. 13/02/2026)',
    ]);
  });

  it('syncs a 10,000-row sheet, then reports it unchanged with no write, then writes exactly 10 edited rows', async () => {
    const sheetId = newSheetId();
    const args = ['sync', sheetLink(sheetId), '--customer', `Big ${sheetId}`, '--json'];
    bed.fake.setSheet(sheetId, [{ gid: '0', title: 'Leads', csv: generatedSheet(10_000) }]);

    const first = await cli(...args);
    expect(first.code).toBe(0);
    const run = jsonOf<SyncRun>(first);
    expect(run).toMatchObject({
      outcome: 'success',
      trigger: 'cli',
      rowsProcessed: 10_000,
      rowsInserted: 10_000,
    });
    const before = await leadsOf(run.customerId);
    expect(before).toHaveLength(10_000);

    const second = await cli(...args);
    expect(second.code).toBe(0);
    expect(jsonOf<SyncRun>(second)).toMatchObject({
      outcome: 'unchanged',
      rowsInserted: 0,
      rowsUpdated: 0,
      rowsDeleted: 0,
      rowsUnchanged: 10_000,
    });
    expect(await leadsOf(run.customerId)).toEqual(before);

    bed.fake.setSheet(sheetId, [{ gid: '0', title: 'Leads', csv: generatedSheet(10_000, TEN_EDITED) }]);
    const third = await cli(...args);
    expect(third.code).toBe(0);
    expect(jsonOf<SyncRun>(third)).toMatchObject({
      outcome: 'success',
      rowsInserted: 0,
      rowsUpdated: 10,
      rowsDeleted: 0,
    });
    const after = await leadsOf(run.customerId);
    expect(after.filter((lead, i) => lead.updatedAt !== before[i]?.updatedAt)).toHaveLength(10);
  }, 120_000);

  it('exits non-zero with SHEET_NOT_PUBLIC on stderr for a private sheet', async () => {
    const sheetId = newSheetId();
    bed.fake.setSheet(sheetId, [{ gid: '0', title: 'Leads', csv: 'Name,Email\nAda,ada@example.com\n' }], {
      private: true,
    });

    const result = await cli('sync', sheetLink(sheetId), '--customer', `Private ${sheetId}`);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('error SHEET_NOT_PUBLIC');
    expect(result.stdout).toContain('failed');
  });

  it('exits non-zero with SHEET_URL_INVALID for a link that is not a sheet, writing nothing', async () => {
    const count = async () =>
      Promise.all(
        (['customers', 'lead_sync_runs', 'leads'] as const).map(
          async (table) =>
            (
              await bed.db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
        ),
      );
    const before = await count();

    const result = await cli(
      'sync',
      'https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit',
    );

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('error SHEET_URL_INVALID');
    expect(await count()).toEqual(before);
  });
});
