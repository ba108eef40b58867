import { describe, expect, it } from 'vitest';
import { CsvParser } from '../../src/sheet/csv-parser.js';
import { parseCsvChunks, readSheetLeads } from '../../src/sheet/sheet-reader.js';
import type { SheetLead, SheetMapping } from '../../src/sheet/types.js';
import { readFixture } from './fixtures.js';
import { DEFAULT_OPTIONS, readFixtureLeads, readLeads } from './read-leads.js';

/** CSV text ↔ records, to edit a fixture the way a person edits the sheet. */
function toRecords(text: string): string[][] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}
function toCsv(records: string[][]): string {
  const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return records.map((record) => record.map(cell).join(',')).join('\r\n') + '\r\n';
}

const byKey = (leads: SheetLead[]) => new Map(leads.map((lead) => [lead.key, lead]));

describe('readSheetLeads', () => {
  it('drops NUL characters, which PostgreSQL cannot store, from cells and headers', async () => {
    const { leads } = await readLeads('Lead ID,Na\u0000me,Notes\r\n1,Ann\u0000 Lee,a\u0000b\r\n');
    expect(leads).toHaveLength(1);
    expect(leads[0]?.data).toEqual({ 'Lead ID': '1', Name: 'Ann Lee', Notes: 'ab' });
    expect(leads[0]?.values.fullName).toBe('Ann Lee');
  });

  it('reads all 107 leads under a title row, a summary row and a blank row', async () => {
    const { leads, stats, mapping } = await readFixtureLeads('acme-week12.csv');
    expect(leads).toHaveLength(107);
    expect(mapping?.header.sheetRow).toBe(4);
    expect(leads[0]).toMatchObject({ sheetRow: 5, key: 'email:lead1@acme.example' });
    expect(leads.at(-1)?.sheetRow).toBe(111);
    expect(stats).toMatchObject({ rowsRead: 107, blankRows: 0, leads: 107, duplicateCount: 0 });
  });

  it('keeps leads whose notes say "w/c 16th", "TOTAL" or "test"', async () => {
    const { leads } = await readFixtureLeads('acme-week12.csv');
    const notes = new Set(leads.map((lead) => lead.values.notes));
    for (const note of ['w/c 16th', 'Call back w/c 23rd', 'TOTAL', 'test']) expect(notes).toContain(note);
  });

  it('reads UK dates day first by default and month first when the customer says so', async () => {
    const dmy = await readFixtureLeads('uk-dates.csv');
    expect(dmy.leads.map((lead) => lead.values.occurredAt)).toEqual([
      ...Array<string>(7).fill('2026-02-04'),
      null, // 31/02/2026
    ]);
    const mdy = await readFixtureLeads('uk-dates.csv', { dateOrder: 'MDY' });
    expect(mdy.leads.slice(0, 4).map((lead) => lead.values.occurredAt)).toEqual(Array(4).fill('2026-04-02'));
    expect(mdy.leads[4]?.values.occurredAt).toBe('2026-02-04'); // 4 Feb 2026 is unambiguous
  });

  it('reads every row of a file mixing CRLF, LF and CR line endings', async () => {
    const { leads } = await readFixtureLeads('mixed-line-endings.csv');
    expect(leads.map((lead) => lead.key)).toEqual([
      'id:L-1',
      'id:L-2',
      'id:L-3',
      'id:L-4',
      'id:L-5',
      'id:L-6',
    ]);
    expect(leads.map((lead) => lead.sheetRow)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(leads[2]?.values.notes).toBe('third, with a\r\nline break inside');
  });

  it('reads a file with CR-only line endings', async () => {
    const { leads } = await readFixtureLeads('cr-only.csv');
    expect(leads.map((lead) => lead.values.company)).toEqual([
      'Analytical Engines',
      'Bletchley, Park',
      'Navy',
    ]);
  });

  it('keeps commas, quotes, line breaks and non-ASCII text in cells exactly', async () => {
    const { leads } = await readFixtureLeads('tricky-cells.csv');
    expect(leads.map((lead) => lead.values.fullName)).toEqual([
      'José Núñez',
      'Zoë Brontë',
      '王小明',
      'Stray Quote',
      'Trailing Text',
    ]);
    expect(leads[0]?.data).toEqual({
      'Full Name': 'José Núñez',
      'Email Address': 'JOSE@EXAMPLE.COM',
      Company: 'Acme, Inc.',
      Notes: 'He said "call me", then left',
    });
    expect(leads[0]?.values.email).toBe('jose@example.com');
    expect(leads[1]?.values.notes).toBe('Line one\nLine two\n\nLine four');
    expect(leads[2]?.values).toMatchObject({
      company: '北京数据科技有限公司',
      notes: '先週の展示会で名刺交換 🚀',
    });
    expect(leads[3]?.data).toMatchObject({
      Company: '6" Screens Ltd',
      Notes: 'a "quoted" word in an unquoted cell',
    });
    expect(leads[4]?.values.company).toBe('Quotedand more');
  });

  it('yields leads from headers that match no alias (a,b,c)', async () => {
    const { leads, stats } = await readFixtureLeads('abc-headers.csv');
    expect(leads.map((lead) => lead.data)).toEqual([
      { a: 'x1', b: 'y1', c: 'z1' },
      { a: 'x2', b: 'y2', c: 'z2' },
      { a: 'x3', b: '', c: 'z3' },
    ]);
    expect(leads.map((lead) => lead.sheetRow)).toEqual([2, 3, 5]);
    expect(new Set(leads.map((lead) => lead.key)).size).toBe(3);
    expect(stats).toMatchObject({ rowsRead: 4, blankRows: 1, leads: 3 });
  });

  it('names blank and repeated headers and keeps their cells', async () => {
    const { leads, mapping } = await readFixtureLeads('duplicate-headers.csv');
    expect(mapping?.header.names).toEqual(['Name', 'Email', 'Column 3', 'Email (2)', 'Notes', 'Column 6']);
    expect(leads[0]?.data).toMatchObject({ 'Column 3': 'blank header', 'Email (2)': 'ada.work@example.com' });
    expect(leads[0]?.values.email).toBe('ada@example.com');
  });

  it('reports keys used on several rows and keeps every row as a lead', async () => {
    const { leads, stats } = await readFixtureLeads('duplicate-keys.csv');
    expect(leads.map((lead) => lead.key)).toEqual([
      'id:A-1',
      'id:A-2',
      'id:A-1#2',
      'id:A-2#2',
      'id:A-1#3',
      'email:grace@example.com',
    ]);
    expect(stats.duplicateCount).toBe(3);
    expect(stats.duplicates).toEqual([
      { key: 'id:A-1', rows: [2, 4, 6] },
      { key: 'id:A-2', rows: [3, 5] },
    ]);
  });

  it('takes the email from a Contact Info column', async () => {
    const { leads, mapping } = await readFixtureLeads('contact-info.csv');
    expect(mapping?.identity).toBe('email');
    expect(leads.map((lead) => lead.values.email)).toEqual(['jane@x.com', null]);
    expect(leads[1]?.key).toMatch(/^c:/);
  });

  describe('identity survives edits that are not edits of the lead', () => {
    it('keeps every key and hash when a row is inserted at the top', async () => {
      for (const name of [
        'acme-week12.csv',
        'abc-headers.csv',
        'duplicate-headers.csv',
        'tricky-cells.csv',
      ]) {
        const records = toRecords(await readFixture(name));
        const before = await readLeads(toCsv(records));
        const headerIndex = before.mapping!.header.index;
        const width = records[headerIndex]!.length;
        const inserted = [...records];
        const newLead = Array.from({ length: width }, (_, i) => `new ${i}`);
        inserted.splice(headerIndex + 1, 0, newLead); // a new lead right under the header
        inserted.splice(0, 0, ['Exported by Bob', ...Array<string>(width - 1).fill('')]); // and a title
        const after = await readLeads(toCsv(inserted));
        expect(after.leads, name).toHaveLength(before.leads.length + 1);
        const afterByKey = byKey(after.leads);
        for (const lead of before.leads) {
          const moved = afterByKey.get(lead.key);
          expect(moved?.hash, `${name} row ${lead.sheetRow}`).toBe(lead.hash);
          expect(moved?.sheetRow).toBe(lead.sheetRow + 2);
        }
        expect(after.stats.checksum).not.toBe(before.stats.checksum);
      }
    });

    it('keeps keys, hashes and the checksum when the rows are sorted differently', async () => {
      const records = toRecords(await readFixture('acme-week12.csv'));
      const [top, body] = [records.slice(0, 4), records.slice(4)];
      const before = await readLeads(toCsv(records));
      const after = await readLeads(toCsv([...top, ...body.reverse()]));
      expect(after.stats.checksum).toBe(before.stats.checksum);
      expect(new Set(after.leads.map((l) => `${l.key} ${l.hash}`))).toEqual(
        new Set(before.leads.map((l) => `${l.key} ${l.hash}`)),
      );
    });

    it('keeps keys and hashes when the columns are reordered', async () => {
      const records = toRecords(await readFixture('acme-week12.csv'));
      const order = [6, 2, 0, 5, 1, 4, 3];
      const before = await readLeads(toCsv(records));
      const after = await readLeads(toCsv(records.map((record) => order.map((i) => record[i] ?? ''))));
      expect(after.mapping!.fingerprint).toBe(before.mapping!.fingerprint);
      expect(after.leads.map((l) => [l.key, l.hash])).toEqual(before.leads.map((l) => [l.key, l.hash]));
      expect(after.stats.checksum).toBe(before.stats.checksum);
    });

    it('still maps a renamed header (Email → E-mail Address) and keeps keys', async () => {
      const csv = 'Name,Email,Notes\r\nAda,ada@x.com,hi\r\nBob,bob@x.com,\r\n';
      const before = await readLeads(csv);
      const after = await readLeads(csv.replace('Email', 'E-mail Address'));
      expect(after.mapping?.identity).toBe('email');
      expect(after.leads.map((l) => l.values.email)).toEqual(['ada@x.com', 'bob@x.com']);
      expect(after.leads.map((l) => l.key)).toEqual(before.leads.map((l) => l.key));
    });
  });

  it('yields nothing for an empty sheet or a sheet with only a header', async () => {
    expect((await readLeads('')).leads).toEqual([]);
    const headerOnly = await readLeads('Name,Email\r\n');
    expect(headerOnly.leads).toEqual([]);
    expect(headerOnly.mapping?.header.names).toEqual(['Name', 'Email']);
    expect((await readLeads('Leads for ACME\n\nName,Email\n')).leads).toEqual([]);
  });

  it('fails with HEADER_NOT_FOUND when the sheet has only blank rows', async () => {
    await expect(readFixtureLeads('blank-rows.csv')).rejects.toMatchObject({ code: 'HEADER_NOT_FOUND' });
  });

  it('fails with KEY_COLUMN_NOT_FOUND when the key column is not in the header', async () => {
    await expect(readLeads('Name,Email\nAda,a@x.com\n', { keyColumn: 'Lead ID' })).rejects.toMatchObject({
      code: 'KEY_COLUMN_NOT_FOUND',
    });
  });

  it('finds the header among the first 30 non-blank rows, after any number of blank rows', async () => {
    const csv = '\n'.repeat(40) + 'Name,Email\nAda,a@x.com\n';
    const { leads } = await readLeads(csv);
    expect(leads).toHaveLength(1);
    expect(leads[0]?.sheetRow).toBe(42);
  });

  it('yields leads in batches and announces the mapping before the first batch', async () => {
    const csv = 'Name,Email\n' + Array.from({ length: 25 }, (_, i) => `P${i},p${i}@x.com`).join('\n');
    const events: string[] = [];
    let mapping: SheetMapping | null = null;
    const reader = readSheetLeads(
      parseCsvChunks(
        (async function* () {
          yield csv;
        })(),
      ),
      DEFAULT_OPTIONS,
      { onHeader: (m) => ((mapping = m), events.push('header')), batchSize: 10 },
    );
    for await (const batch of reader.leads) events.push(`batch ${batch.length}`);
    expect(events).toEqual(['header', 'batch 10', 'batch 10', 'batch 5']);
    expect(mapping).toBe(reader.stats.mapping);
    expect(reader.stats.leads).toBe(25);
  });

  it('reads records that arrive as rows (the Sheets API) the same way', async () => {
    async function* rows(): AsyncGenerator<string[][]> {
      yield [['Total: 2'], ['Lead ID', 'Name']];
      yield [['1', 'Ada'], [], ['2', 'Bob']];
    }
    const reader = readSheetLeads(rows(), DEFAULT_OPTIONS);
    const leads: SheetLead[] = [];
    for await (const batch of reader.leads) leads.push(...batch);
    expect(leads.map((lead) => [lead.key, lead.sheetRow])).toEqual([
      ['id:1', 3],
      ['id:2', 5],
    ]);
    expect(reader.stats).toMatchObject({ rowsRead: 3, blankRows: 1 });
  });
});
