import { describe, expect, it } from 'vitest';
import { CellWarnings, MAX_WARNING_KINDS } from '../../src/sheet/warnings.js';
import { readLeads } from './read-leads.js';

const codes = (warnings: { code: string }[]) => warnings.map((w) => w.code);

describe('warnings collected while a sheet is read', () => {
  it('names an unreadable date with its column and the date order it was read in', async () => {
    const { stats, leads } = await readLeads('Name,Signed up\nAda,13/02/2026\nBob,02/13/2026\n', {
      dateOrder: 'MDY',
      fieldOverrides: { occurredAt: 'Signed up' },
    });
    expect(leads.map((l) => l.values.occurredAt)).toEqual([null, '2026-02-13']);
    expect(stats.warnings).toContainEqual({
      code: 'DATE_UNREADABLE',
      message: expect.stringContaining('13/02/2026 is not a date in month/day/year') as string,
      column: 'Signed up',
      count: 1,
      samples: ['13/02/2026'],
    });
  });

  it('counts every bad cell but keeps at most 5 samples of each kind', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `P${i},not-an-email-${i},${i % 10}`);
    const { stats } = await readLeads(`Name,Email,Phone\n${rows.join('\n')}\n`);
    const email = stats.warnings.find((w) => w.code === 'EMAIL_INVALID');
    const phone = stats.warnings.find((w) => w.code === 'PHONE_UNREADABLE');
    expect(email).toMatchObject({ column: 'Email', count: 50 });
    expect(email?.samples).toEqual([
      'not-an-email-0',
      'not-an-email-1',
      'not-an-email-2',
      'not-an-email-3',
      'not-an-email-4',
    ]);
    expect(phone).toMatchObject({ column: 'Phone', count: 50, samples: ['0', '1', '2', '3', '4'] });
  });

  it('reports rows that share an identity with their sheet row numbers', async () => {
    const { stats } = await readLeads(
      'Name,Email\nAda,ada@x.com\nBob,bob@x.com\nAda L,ADA@x.com\nAda,ada@x.com\n',
    );
    expect(stats.warnings.find((w) => w.code === 'DUPLICATE_KEYS')).toMatchObject({
      count: 2,
      samples: [2, 4, 5],
      message: expect.stringContaining('rows 2, 4, 5') as string,
    });
  });

  it('reports a header with no lead rows below it as SHEET_EMPTY, and the columns kept only in data', async () => {
    const { stats } = await readLeads('Name,Email,Favourite colour,Shoe size\n');
    expect(codes(stats.warnings)).toEqual(['SHEET_EMPTY', 'COLUMNS_UNMAPPED']);
    expect(stats.warnings[1]).toMatchObject({ count: 2, samples: ['Favourite colour', 'Shoe size'] });
  });

  it('says nothing about a clean sheet', async () => {
    const { stats } = await readLeads('Name,Email,Phone,Date\nAda,ada@x.com,020 7946 0958,2026-02-04\n');
    expect(stats.warnings).toEqual([]);
  });

  it('keeps at most 20 kinds, whatever the sheet', () => {
    const cells = new CellWarnings('DMY');
    for (let column = 0; column < 50; column++) cells.note('DATE_UNREADABLE', `Date ${column}`, 'x');
    expect(cells.list()).toHaveLength(MAX_WARNING_KINDS);
  });
});
