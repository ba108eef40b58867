import { describe, expect, it } from 'vitest';
import { FIELD_ALIASES, ID_ALIASES } from '../../src/sheet/field-aliases.js';
import { buildMapping, mappedHeaders } from '../../src/sheet/field-map.js';
import { headerKey, headerNames } from '../../src/sheet/header-detect.js';
import type { MappingOptions, SheetHeader } from '../../src/sheet/types.js';

const OPTIONS: MappingOptions = { keyColumn: null, dateOrder: 'DMY', fieldOverrides: {} };

function header(...cells: string[]): SheetHeader {
  return { index: 0, sheetRow: 1, names: headerNames(cells) };
}

function map(cells: string[], options: Partial<MappingOptions> = {}) {
  const mapping = buildMapping(header(...cells), { ...OPTIONS, ...options });
  return { ...mapping, named: mappedHeaders(mapping) };
}

describe('buildMapping', () => {
  it('maps fields by header name, whatever their position', () => {
    const { named } = map([
      'Notes',
      'Date',
      'Owner',
      'Source',
      'Job Title',
      'Company',
      'Phone',
      'Email',
      'Name',
    ]);
    expect(named).toEqual({
      fullName: 'Name',
      email: 'Email',
      phone: 'Phone',
      company: 'Company',
      jobTitle: 'Job Title',
      source: 'Source',
      owner: 'Owner',
      occurredAt: 'Date',
      notes: 'Notes',
    });
  });

  it('knows the common names of each field', () => {
    const cases: [string, string][] = [
      ['Full Name', 'fullName'],
      ['Contact Name', 'fullName'],
      ['Customer Name', 'fullName'],
      ['Forename', 'firstName'],
      ['Given Name', 'firstName'],
      ['Surname', 'lastName'],
      ['Family Name', 'lastName'],
      ['E-mail Address', 'email'],
      ['Work Email', 'email'],
      ['Contact Details', 'email'],
      ['Mobile', 'phone'],
      ['Tel', 'phone'],
      ['Contact Number', 'phone'],
      ['Organisation', 'company'],
      ['Account', 'company'],
      ['Role', 'jobTitle'],
      ['Channel of Lead', 'source'],
      ['UTM Source', 'source'],
      ['Assigned To', 'owner'],
      ['Sales Rep', 'owner'],
      ['Team Member', 'owner'],
      ['Created At', 'occurredAt'],
      ['Timestamp', 'occurredAt'],
      ['Remarks', 'notes'],
      ['Message', 'notes'],
    ];
    for (const [name, field] of cases) {
      expect(map(['x', name]).fields, name).toEqual({ [field]: 1 });
    }
  });

  it('matches header names ignoring case, spaces, punctuation, - and _', () => {
    for (const name of ['E-mail Address', 'email_address', 'EmailAddress', 'EMAIL']) {
      expect(map([name]).fields.email, name).toBe(0);
    }
  });

  it('prefers the higher-priority alias, then the leftmost column', () => {
    expect(map(['Campaign', 'Source', 'Lead Source']).named.source).toBe('Lead Source');
    expect(map(['Contact', 'Email']).named.email).toBe('Email');
    expect(map(['Email', 'Email']).named.email).toBe('Email');
  });

  it('lets field overrides win over the alias table', () => {
    const { named } = map(['Email', 'Personal mail', 'Notes'], {
      fieldOverrides: { email: 'personal-MAIL' },
    });
    expect(named.email).toBe('Personal mail');
    expect(named.notes).toBe('Notes');
  });

  it('falls back to the aliases when an override names a missing column', () => {
    expect(map(['Email'], { fieldOverrides: { email: 'Gone' } }).named.email).toBe('Email');
  });

  it('does not give a column taken by an override to another field', () => {
    const { named } = map(['Name', 'Notes'], { fieldOverrides: { company: 'Name' } });
    expect(named).toEqual({ company: 'Name', notes: 'Notes' });
  });

  describe('identity', () => {
    it('uses the configured key column first', () => {
      const mapping = map(['Lead ID', 'Email', 'CRM Ref'], { keyColumn: 'crm ref' });
      expect(mapping).toMatchObject({ identity: 'key_column', identityColumn: 2 });
    });

    it('fails with KEY_COLUMN_NOT_FOUND when the header lacks the key column', () => {
      expect(() => map(['Name', 'Email'], { keyColumn: 'Lead ID' })).toThrow(
        expect.objectContaining({ code: 'KEY_COLUMN_NOT_FOUND' }),
      );
    });

    it('uses an ID-like column, then the email, then the content', () => {
      expect(map(['Email', 'External ID'])).toMatchObject({ identity: 'id_column', identityColumn: 1 });
      expect(map(['Reference', 'Lead ID'])).toMatchObject({ identity: 'id_column', identityColumn: 1 });
      expect(map(['Name', 'E-mail'])).toMatchObject({ identity: 'email', identityColumn: 1 });
      expect(map(['Name', 'Company'])).toMatchObject({ identity: 'content', identityColumn: null });
    });
  });

  describe('fingerprint', () => {
    it('does not change when columns are reordered', () => {
      const a = map(['Lead ID', 'Name', 'Email', 'Notes']);
      const b = map(['Notes', 'Email', 'Lead ID', 'Name']);
      expect(b.fingerprint).toBe(a.fingerprint);
    });

    it('changes with the mapping, the identity and the date order', () => {
      const base = map(['Name', 'Email', 'Notes']).fingerprint;
      expect(map(['Name', 'E-mail', 'Notes']).fingerprint).not.toBe(base);
      expect(map(['Name', 'Email', 'Comments']).fingerprint).not.toBe(base);
      expect(map(['Name', 'Email', 'Notes', 'ID']).fingerprint).not.toBe(base);
      expect(map(['Name', 'Email', 'Notes'], { dateOrder: 'MDY' }).fingerprint).not.toBe(base);
    });

    it('does not change for an unmapped column (its values are in the row hash instead)', () => {
      expect(map(['Name', 'Email', 'Notes', 'Status']).fingerprint).toBe(
        map(['Name', 'Email', 'Notes']).fingerprint,
      );
    });
  });
});

describe('the alias table', () => {
  it('gives each alias to one field only', () => {
    const owners = new Map<string, string>();
    for (const [field, aliases] of [...Object.entries(FIELD_ALIASES), ['id', ID_ALIASES] as const]) {
      for (const alias of aliases) {
        const key = headerKey(alias);
        expect(owners.get(key) ?? field, `${alias} is listed for ${owners.get(key)} and ${field}`).toBe(
          field,
        );
        owners.set(key, field);
      }
    }
  });
});
