import { describe, expect, it } from 'vitest';
import { buildMapping } from '../../src/sheet/field-map.js';
import { headerNames } from '../../src/sheet/header-detect.js';
import { createLeadBuilder } from '../../src/sheet/lead-builder.js';
import type { MappingOptions, SheetLead } from '../../src/sheet/types.js';

const OPTIONS: MappingOptions = { keyColumn: null, dateOrder: 'DMY', fieldOverrides: {} };

/** Builds the leads of `body` (records below the header) for a header; rows are 2, 3, … */
function build(headerCells: string[], body: string[][], options: Partial<MappingOptions> = {}) {
  const mapping = buildMapping(
    { index: 0, sheetRow: 1, names: headerNames(headerCells) },
    { ...OPTIONS, ...options },
  );
  const builder = createLeadBuilder(mapping);
  const leads = body.map((record, i) => builder.build(record, i + 2));
  return { leads, builder, mapping };
}

function only(headerCells: string[], record: string[], options: Partial<MappingOptions> = {}): SheetLead {
  const lead = build(headerCells, [record], options).leads[0];
  if (!lead) throw new Error('expected a lead');
  return lead;
}

describe('createLeadBuilder', () => {
  it('skips a record with no non-empty cell', () => {
    const { leads } = build(['Name', 'Email'], [[''], ['', '  '], []]);
    expect(leads).toEqual([null, null, null]);
  });

  it('keeps every non-blank row as a lead, whatever its cells say', () => {
    const notes = ['w/c 16th', 'TOTAL', 'test', 'Total: 107', 'DELETE ME', '#N/A', '-'];
    const { leads } = build(
      ['Name', 'Notes'],
      notes.map((note) => ['', note]),
    );
    expect(leads.map((lead) => lead?.values.notes)).toEqual(notes);
  });

  it('keeps every column in data, trimmed, with inner line breaks, quotes and commas exactly', () => {
    const lead = only(
      ['Name', 'Notes', 'Status'],
      ['  Zoë Brontë ', ' "Hi", she said,\r\nthen left \n', '\tNew'],
    );
    expect(lead.data).toEqual({ Name: 'Zoë Brontë', Notes: '"Hi", she said,\r\nthen left', Status: 'New' });
  });

  it("fills a short row's missing cells with '' and keeps extra cells as Column N", () => {
    expect(only(['Name', 'Email', 'Notes'], ['Ada']).data).toEqual({ Name: 'Ada', Email: '', Notes: '' });
    expect(only(['Name'], ['Ada', '', 'extra', '  ']).data).toEqual({ Name: 'Ada', 'Column 3': 'extra' });
    expect(only(['Column 2'], ['Ada', 'extra']).data).toEqual({ 'Column 2': 'Ada', 'Column 2 (2)': 'extra' });
  });

  it('keeps a header called __proto__ as data', () => {
    const lead = only(['__proto__', 'Name'], ['x', 'Ada']);
    expect(Object.getPrototypeOf(lead.data)).toBe(Object.prototype);
    expect(Object.entries(lead.data)).toEqual([
      ['__proto__', 'x'],
      ['Name', 'Ada'],
    ]);
  });

  it('reads the typed values through the mapping', () => {
    const lead = only(
      ['Name', 'E-mail', 'Mobile', 'Organisation', 'Role', 'Source', 'Rep', 'Date', 'Comments'],
      [
        'José',
        'JOSE@X.COM',
        '+44 (0)20 7946 0958',
        'X Ltd',
        'CTO',
        'Referral',
        'bob',
        '04/02/2026',
        'w/c 16th',
      ],
    );
    expect(lead.values).toEqual({
      fullName: 'José',
      firstName: null,
      lastName: null,
      email: 'jose@x.com',
      phone: '+44 (0)20 7946 0958',
      phoneNormalized: '+442079460958',
      company: 'X Ltd',
      jobTitle: 'CTO',
      source: 'Referral',
      owner: 'bob',
      occurredAt: '2026-02-04',
      notes: 'w/c 16th',
    });
  });

  it('reads dates in the customer order', () => {
    expect(only(['Date'], ['04/02/2026']).values.occurredAt).toBe('2026-02-04');
    expect(only(['Date'], ['04/02/2026'], { dateOrder: 'MDY' }).values.occurredAt).toBe('2026-04-02');
  });

  it('derives the full name from first and last names, and never splits a full name', () => {
    expect(only(['First Name', 'Surname'], ['Ada', 'Lovelace']).values).toMatchObject({
      fullName: 'Ada Lovelace',
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    expect(only(['First Name', 'Surname'], ['', 'Lovelace']).values.fullName).toBe('Lovelace');
    expect(only(['Name'], ['Ada Lovelace']).values).toMatchObject({ firstName: null, lastName: null });
  });

  it('takes the email out of a contact column, and none when it has no address', () => {
    const { leads } = build(
      ['Name', 'Contact Info'],
      [
        ['Jane', 'Jane <JANE@X.COM>, 0207…'],
        ['John', '0207 946'],
      ],
    );
    expect(leads.map((lead) => lead?.values.email)).toEqual(['jane@x.com', null]);
  });

  describe('keys', () => {
    it('uses the id column, trimmed, as id:', () => {
      expect(only(['Lead ID', 'Email'], [' LD-1 ', 'a@x.com']).key).toBe('id:LD-1');
    });

    it('uses a configured key column as id:', () => {
      expect(only(['Email', 'CRM'], ['a@x.com', 'c-9'], { keyColumn: 'CRM' }).key).toBe('id:c-9');
    });

    it('falls back from an empty id to the email, then to the content', () => {
      const { leads } = build(
        ['Lead ID', 'Name', 'Email'],
        [
          ['', 'Ada', 'ADA@X.COM'],
          ['', 'Ada', ''],
        ],
      );
      expect(leads[0]?.key).toBe('email:ada@x.com');
      expect(leads[1]?.key).toMatch(/^c:[0-9a-f]{20}$/);
    });

    it('identifies by content two people of one company on one day as two leads', () => {
      const { leads, builder } = build(
        ['Name', 'Company', 'Date', 'Notes'],
        [
          ['Ada', 'X Ltd', '04/02/2026', ''],
          ['Bob', 'X Ltd', '04/02/2026', ''],
        ],
      );
      expect(leads[0]?.key).not.toBe(leads[1]?.key);
      expect(builder.duplicateCount).toBe(0);
    });

    it('keeps a content key when an unrelated column is edited, and changes the hash', () => {
      const before = only(['Name', 'Company', 'Notes', 'Status'], ['Ada', 'X Ltd', 'call', 'New']);
      const after = only(['Name', 'Company', 'Notes', 'Status'], ['Ada', 'X Ltd', 'called twice', 'Won']);
      expect(after.key).toBe(before.key);
      expect(after.hash).not.toBe(before.hash);
    });

    it('keeps content keys when a header is renamed to another alias of the same field', () => {
      const before = only(['Name', 'Company'], ['Ada', 'X Ltd']);
      expect(only(['Full Name', 'Organisation'], ['Ada', 'X Ltd']).key).toBe(before.key);
    });

    it('hashes every cell for the key when the row has no identity field', () => {
      const { leads } = build(
        ['a', 'b'],
        [
          ['x', '1'],
          ['x', '2'],
          ['x', '1'],
        ],
      );
      expect(leads[0]?.key).not.toBe(leads[1]?.key);
      expect(leads[2]?.key).toBe(`${leads[0]?.key}#2`);
    });

    it('suffixes repeated keys by sheet order and reports them', () => {
      const { leads, builder } = build(['Lead ID', 'Name'], [['A'], ['B'], ['A'], ['A'], ['B'], ['A#2']]);
      expect(leads.map((lead) => lead?.key)).toEqual([
        'id:A',
        'id:B',
        'id:A#2',
        'id:A#3',
        'id:B#2',
        'id:A#2#2',
      ]);
      expect(builder.duplicateCount).toBe(4);
      expect(builder.duplicates()).toEqual([
        { key: 'id:A', rows: [2, 4, 5] },
        { key: 'id:B', rows: [3, 6] },
        { key: 'id:A#2', rows: [4, 7] },
      ]);
    });

    it('caps the duplicate report but counts every duplicate', () => {
      const body = Array.from({ length: 300 }, (_, i) => [`K${i % 150}`]);
      const { builder } = build(['ID'], body);
      expect(builder.duplicateCount).toBe(150);
      expect(builder.duplicates()).toHaveLength(100);
    });
  });

  describe('hash', () => {
    it('is a SHA-1 hex that ignores the row position', () => {
      const { leads } = build(
        ['Name', 'Email'],
        [
          ['Ada', 'a@x.com'],
          ['Ada', 'a@x.com'],
        ],
      );
      expect(leads[0]?.hash).toMatch(/^[0-9a-f]{40}$/);
      expect(leads[1]?.hash).toBe(leads[0]?.hash);
    });

    it('does not change when the header is reordered', () => {
      const a = only(['Lead ID', 'Name', 'Email', 'Notes'], ['1', 'Ada', 'a@x.com', 'hi']);
      const b = only(['Notes', 'Email', 'Lead ID', 'Name'], ['hi', 'a@x.com', '1', 'Ada']);
      expect(b.hash).toBe(a.hash);
      expect(b.key).toBe(a.key);
    });

    it('changes with any cell, with the mapping and with the date order', () => {
      const base = only(['Name', 'Date', 'Status'], ['Ada', '04/02/2026', 'New']);
      expect(only(['Name', 'Date', 'Status'], ['Ada', '04/02/2026', 'Won']).hash).not.toBe(base.hash);
      expect(only(['Name', 'Date', 'State'], ['Ada', '04/02/2026', 'New']).hash).not.toBe(base.hash);
      expect(
        only(['Name', 'Date', 'Status'], ['Ada', '04/02/2026', 'New'], { dateOrder: 'MDY' }).hash,
      ).not.toBe(base.hash);
      expect(only(['Name', 'Date', 'Status'], ['Ada', '04/02/2026', 'New', 'extra']).hash).not.toBe(
        base.hash,
      );
    });

    it('does not confuse values moved between columns', () => {
      const a = only(['a', 'b'], ['x', '']);
      const b = only(['a', 'b'], ['', 'x']);
      expect(a.hash).not.toBe(b.hash);
    });
  });
});
