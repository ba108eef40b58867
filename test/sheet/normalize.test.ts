import { afterEach, describe, expect, it, vi } from 'vitest';
import { normalizeEmail, normalizePhone, parseDateCell } from '../../src/sheet/normalize.js';

describe('normalizeEmail', () => {
  it('trims and lower-cases an address', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
    expect(normalizeEmail("o'brien+leads@example.co.uk")).toBe("o'brien+leads@example.co.uk");
  });

  it('takes the first address out of a free-text contact cell', () => {
    expect(normalizeEmail('Jane <JANE@X.COM>, 0207 946 0000')).toBe('jane@x.com');
    expect(normalizeEmail('mailto:a@b.io; c@d.io')).toBe('a@b.io');
    expect(normalizeEmail('write to zoë@exämple.de.')).toBe('zoë@exämple.de');
  });

  it('is null when the cell holds no address', () => {
    expect(normalizeEmail('')).toBeNull();
    expect(normalizeEmail('n/a')).toBeNull();
    expect(normalizeEmail('0207 946 0000')).toBeNull();
    expect(normalizeEmail('@handle')).toBeNull();
  });
});

describe('normalizePhone', () => {
  it('keeps the digits, with a + when the number had one', () => {
    expect(normalizePhone('+1 (415) 555-0100')).toBe('+14155550100');
    expect(normalizePhone('020 7946 0958')).toBe('02079460958');
  });

  it('ignores a label in front of the number', () => {
    expect(normalizePhone('Mobile: +44 7700 900123')).toBe('+447700900123');
  });

  it('reads a leading 00 as +', () => {
    expect(normalizePhone('0044 20 7946 0958')).toBe('+442079460958');
  });

  it('drops a (0) after the country code and an extension', () => {
    expect(normalizePhone('+44 (0)20 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('+1 415 555 0100 ext. 12')).toBe('+14155550100');
    expect(normalizePhone('415-555-0100 x7')).toBe('4155550100');
  });

  it('takes the first of two numbers in one cell', () => {
    expect(normalizePhone('020 7946 0958 / 07700 900123')).toBe('02079460958');
    expect(normalizePhone('+44 20 7946 0958, +44 7700 900123')).toBe('+442079460958');
    expect(normalizePhone('020 7946 0958 or 07700 900123')).toBe('02079460958');
  });

  it('keeps a number whose parts are separated by a slash', () => {
    expect(normalizePhone('030/1234567')).toBe('0301234567');
    expect(normalizePhone('030 / 1234567')).toBe('0301234567');
  });

  it('is null for fewer than 5 digits', () => {
    expect(normalizePhone('1234')).toBeNull();
    expect(normalizePhone('call me')).toBeNull();
  });
});

describe('parseDateCell', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('reads 04/02/2026 as 4 February with DMY and 2 April with MDY', () => {
    expect(parseDateCell('04/02/2026', 'DMY')).toBe('2026-02-04');
    expect(parseDateCell('04/02/2026', 'MDY')).toBe('2026-04-02');
  });

  it('reads numeric dates with slashes, dashes, dots and two-digit years in the customer order', () => {
    for (const cell of ['04/02/2026', '4/2/26', '04-02-2026', '04.02.2026', ' 4/2/2026 ']) {
      expect(parseDateCell(cell, 'DMY'), cell).toBe('2026-02-04');
      expect(parseDateCell(cell, 'MDY'), cell).toBe('2026-04-02');
    }
  });

  it('reads month names whatever the order setting', () => {
    for (const cell of ['4 Feb 2026', '4 February 2026', '4-Feb-2026', '4th Feb 2026', 'February 4, 2026']) {
      expect(parseDateCell(cell, 'DMY'), cell).toBe('2026-02-04');
      expect(parseDateCell(cell, 'MDY'), cell).toBe('2026-02-04');
    }
    expect(parseDateCell('Feb 4 2026', 'DMY')).toBe('2026-02-04');
    expect(parseDateCell('Wed, 4 Feb 2026', 'DMY')).toBe('2026-02-04');
    expect(parseDateCell('Sept 30, 2026', 'DMY')).toBe('2026-09-30');
  });

  it('keeps ISO dates as given', () => {
    expect(parseDateCell('2026-02-04', 'MDY')).toBe('2026-02-04');
    expect(parseDateCell('2026/2/4', 'DMY')).toBe('2026-02-04');
  });

  it('turns a date with a time into an ISO UTC string, a time without zone being UTC', () => {
    expect(parseDateCell('2026-02-04T10:30:00Z', 'DMY')).toBe('2026-02-04T10:30:00.000Z');
    expect(parseDateCell('2026-02-04 10:30', 'DMY')).toBe('2026-02-04T10:30:00.000Z');
    expect(parseDateCell('2026-02-04T10:30:00.5+01:00', 'DMY')).toBe('2026-02-04T09:30:00.500Z');
    expect(parseDateCell('2026-02-04T23:30:00-05:00', 'DMY')).toBe('2026-02-05T04:30:00.000Z');
    expect(parseDateCell('04/02/2026 14:05:09', 'DMY')).toBe('2026-02-04T14:05:09.000Z');
    expect(parseDateCell('2/4/2026 2:05 PM', 'MDY')).toBe('2026-02-04T14:05:00.000Z');
    expect(parseDateCell('4 Feb 2026 12:00 am', 'DMY')).toBe('2026-02-04T00:00:00.000Z');
  });

  it('is null for impossible dates and times', () => {
    expect(parseDateCell('31/02/2026', 'DMY')).toBeNull();
    expect(parseDateCell('29/02/2026', 'DMY')).toBeNull();
    expect(parseDateCell('13/13/2026', 'DMY')).toBeNull();
    expect(parseDateCell('2026-02-04 24:00', 'DMY')).toBeNull();
    expect(parseDateCell('2026-02-04 13:00 PM', 'DMY')).toBeNull();
  });

  it('accepts 29 February in a leap year only', () => {
    expect(parseDateCell('29/02/2028', 'DMY')).toBe('2028-02-29');
    expect(parseDateCell('29/02/2100', 'DMY')).toBeNull();
    expect(parseDateCell('29/02/2000', 'DMY')).toBe('2000-02-29');
  });

  it('is null for text that is not a date, and for Google serial numbers', () => {
    for (const cell of ['', 'next week', 'w/c 16th', '46057', '4 Febtember 2026', '2026-02', '04/02']) {
      expect(parseDateCell(cell, 'DMY'), cell).toBeNull();
    }
  });

  it('never goes through Date for a date-only cell, so no server time zone can shift it', () => {
    vi.stubGlobal(
      'Date',
      new Proxy(Date, {
        construct() {
          throw new Error('Date used');
        },
        get(target, property, receiver) {
          if (property === 'UTC' || property === 'parse') throw new Error('Date used');
          return Reflect.get(target, property, receiver) as unknown;
        },
      }),
    );
    expect(parseDateCell('04/02/2026', 'DMY')).toBe('2026-02-04');
    expect(parseDateCell('4 Feb 2026', 'DMY')).toBe('2026-02-04');
    expect(parseDateCell('2026-02-04', 'DMY')).toBe('2026-02-04');
    expect(() => parseDateCell('2026-02-04T10:00:00+01:00', 'DMY')).toThrow('Date used');
  });
});
