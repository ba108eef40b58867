import { describe, expect, it } from 'vitest';
import { isLeadsyncError } from '../../src/errors.js';
import { detectHeader, headerKey, headerNames } from '../../src/sheet/header-detect.js';
import { CsvParser } from '../../src/sheet/csv-parser.js';
import { readFixture } from './fixtures.js';

function records(text: string): string[][] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}

describe('headerKey', () => {
  it('ignores case, spaces, punctuation, - and _', () => {
    const keys = ['E-mail Address', 'email_address', 'EmailAddress', ' EMAIL ADDRESS ', 'E.mail-Address:'];
    expect(new Set(keys.map(headerKey))).toEqual(new Set(['emailaddress']));
  });

  it('keeps letters of any script and digits', () => {
    expect(headerKey('Téléphone 2')).toBe('téléphone2');
    expect(headerKey('王 名前')).toBe('王名前');
    expect(headerKey('Ｅｍａｉｌ')).toBe('email'); // full-width, as pasted from some IMEs
  });
});

describe('detectHeader', () => {
  it('takes the row under a title and a summary row as the header', async () => {
    const header = detectHeader(records(await readFixture('acme-week12.csv')).slice(0, 30));
    expect(header).toMatchObject({ index: 3, sheetRow: 4 });
    expect(header.names).toEqual(['Name', 'E-mail', 'Phone', 'Company', 'Channel of Lead', 'Date', 'Notes']);
  });

  it('takes the first row when it is the header', () => {
    expect(detectHeader(records('Name,Email\nAda,ada@example.com\n')).index).toBe(0);
  });

  it('skips leading blank rows', () => {
    expect(detectHeader(records('\n,,\nName,Email,Phone\nAda,ada@example.com,0123456\n')).sheetRow).toBe(3);
  });

  it('finds a header that matches no alias (a,b,c) by the width of the rows below it', () => {
    expect(detectHeader(records('a,b,c\nx,y,z\n1,2,3\n')).index).toBe(0);
    expect(detectHeader(records('My export\n\na,b,c\n1,2,3\n4,5,6\n')).index).toBe(2);
  });

  it('is not fooled by a data row whose values are header words', () => {
    const text =
      'Leads\nName,Email,Channel,Notes\nAda,ada@example.com,Email,Phone\nBob,bob@example.com,Phone,Notes\n';
    expect(detectHeader(records(text)).index).toBe(1);
  });

  it('is not fooled by a title that is itself a header word', () => {
    expect(detectHeader(records('Contact\nq,r,s\n1,2,3\n')).index).toBe(1);
  });

  it('counts the configured key column and overrides as header names', () => {
    const text = 'Export\nRef No,Mail To,Whatever\nR1,a@example.com,x\n';
    expect(
      detectHeader(records(text), { keyColumn: 'Ref No', fieldOverrides: { email: 'Mail To' } }).index,
    ).toBe(1);
  });

  it('finds a header with only a couple of known names among unknown ones', () => {
    const text = [
      'Weekly leads report,,,,',
      'Generated 2026-03-02,,,,',
      'Lead,Email,Zone,Phone,Stage',
      'Ada Lovelace,ada@example.com,EMEA,+44 20 7946 0000,New',
    ].join('\n');
    expect(detectHeader(records(text)).index).toBe(2);
  });

  it('fails with HEADER_NOT_FOUND when every record is blank', async () => {
    const blank = records(await readFixture('blank-rows.csv'));
    expect(() => detectHeader(blank)).toThrow(expect.objectContaining({ code: 'HEADER_NOT_FOUND' }));
    try {
      detectHeader([]);
      expect.unreachable();
    } catch (error) {
      expect(isLeadsyncError(error) && error.code).toBe('HEADER_NOT_FOUND');
    }
  });
});

describe('headerNames', () => {
  it('trims names, names blanks by position and numbers duplicates', () => {
    expect(headerNames(['Name', ' Email ', '', 'Email', 'email', 'Notes', ''])).toEqual([
      'Name',
      'Email',
      'Column 3',
      'Email (2)',
      'email (3)',
      'Notes',
      'Column 7',
    ]);
  });

  it('treats headers differing only in case or punctuation as duplicates', () => {
    expect(headerNames(['E-mail', 'Email', 'e_mail'])).toEqual(['E-mail', 'Email (2)', 'e_mail (3)']);
  });

  it('keeps names unique even when a generated name exists already', () => {
    expect(headerNames(['Column 2', '', 'Email', 'Email (2)', 'Email'])).toEqual([
      'Column 2',
      'Column 2 (2)',
      'Email',
      'Email (2)',
      'Email (3)',
    ]);
  });

  it('compares punctuation-only headers by their text', () => {
    expect(headerNames(['#', '?', '#'])).toEqual(['#', '?', '# (2)']);
  });
});
