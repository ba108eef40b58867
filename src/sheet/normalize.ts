import type { DateOrder } from './types.js';

/**
 * Typed values from sheet cells. Pure string work: in particular dates never go through
 * `new Date(string)`, whose reading of `04/02/2026` depends on the engine (US order) and whose
 * date-only results depend on the server's time zone.
 */

const EMAIL = /[\p{L}\p{N}.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*/u;
/** A cell that is exactly one plain ASCII address: most cells, checked without Unicode classes. */
const PLAIN_EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-][A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/;

/**
 * The first email address in a cell, trimmed and lower-cased; null when there is none. Works on
 * free-text contact cells too: `Jane <JANE@X.COM>, 0207…` → `jane@x.com`.
 */
export function normalizeEmail(value: string): string | null {
  const trimmed = value.trim();
  if (PLAIN_EMAIL.test(trimmed)) return trimmed.toLowerCase();
  const match = EMAIL.exec(value);
  if (!match) return null;
  const address = match[0].replace(/^[.]+/, '').toLowerCase();
  return address.startsWith('@') ? null : address;
}

/**
 * Digits of the first phone number in a cell, with a leading `+` when the number had one or
 * started with `00` (`0044 20…` → `+4420…`); a `(0)` after a country code is dropped, and so is
 * an extension (`x12`, `ext. 12`) and a label in front. Null when fewer than 5 digits (not a phone number).
 */
export function normalizePhone(value: string): string | null {
  // Two numbers in one cell ("020 7946 0958 / 07700 900123"): the first one. A first part too
  // short to be a number means the separator was inside one ("030 / 1234567" in Germany).
  const first = value.split(/[,;|]|\s\/\s|\sor\s/i)[0] ?? '';
  let text = (countDigits(first) >= 5 ? first : value)
    .replace(/\s*(?:ext\.?|extension|x)\s*\d+\s*$/i, '')
    .replace(/^[^\d+]+/, ''); // a label in front: "Mobile: +44 …"
  const international = text.startsWith('+') || text.startsWith('00');
  if (text.startsWith('+')) text = text.replace(/\(0\)/, '');
  let digits = text.replace(/\D+/g, '');
  if (text.startsWith('00')) digits = digits.slice(2);
  if (digits.length < 5) return null;
  return international ? `+${digits}` : digits;
}

function countDigits(text: string): number {
  return text.replace(/\D+/g, '').length;
}

const MONTHS = 'january february march april may june july august september october november december'.split(
  ' ',
);

const TIME = String.raw`(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp][Mm])?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?`;
const ISO = new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${TIME}$`);
const NUMERIC = new RegExp(String.raw`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})${TIME}$`);
const WEEKDAY = String.raw`(?:[A-Za-z]{3,9},?\s+)?`;
const DAY_MONTH = new RegExp(
  String.raw`^${WEEKDAY}(\d{1,2})(?:st|nd|rd|th)?[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{4})${TIME}$`,
);
const MONTH_DAY = new RegExp(
  String.raw`^${WEEKDAY}([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})${TIME}$`,
);

/**
 * Reads a date cell: `YYYY-MM-DD` for a date alone, an ISO-8601 UTC string when it has a time
 * (a time without a zone is taken as UTC); null when empty or not a real date (`31/02/2026`).
 * Accepts ISO (`2026-02-04`, `2026-02-04T10:30:00Z`, `2026-02-04 10:30`), numeric dates in the
 * customer's order (`04/02/2026`, `4/2/26`, `04-02-2026`, `04.02.2026`: DMY → 4 February) and
 * month names (`4 Feb 2026`, `February 4, 2026`, `Feb 4 2026`), each optionally with a time.
 */
export function parseDateCell(value: string, order: DateOrder): string | null {
  const text = value.trim();
  let m = ISO.exec(text);
  if (m) return build(+m[1]!, +m[2]!, +m[3]!, m.slice(4));
  m = NUMERIC.exec(text);
  if (m) {
    const [a, b] = [+m[1]!, +m[2]!];
    const year = m[3]!.length === 2 ? 2000 + +m[3]! : +m[3]!; // `26` is 2026: leads are recent
    return order === 'DMY' ? build(year, b, a, m.slice(4)) : build(year, a, b, m.slice(4));
  }
  m = DAY_MONTH.exec(text);
  if (m) return build(+m[3]!, monthNumber(m[2]!), +m[1]!, m.slice(4));
  m = MONTH_DAY.exec(text);
  if (m) return build(+m[3]!, monthNumber(m[1]!), +m[2]!, m.slice(4));
  return null;
}

/** 1-12 for a month name or its abbreviation (`Feb`, `February`, `Sept`); 0 for anything else. */
function monthNumber(name: string): number {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex((month) => month.startsWith(lower));
  return lower.length >= 3 && index >= 0 ? index + 1 : 0;
}

function build(year: number, month: number, day: number, time: (string | undefined)[]): string | null {
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  const date = `${year}-${pad(month)}-${pad(day)}`;
  const [h, min, s, fraction, meridiem, zone] = time;
  if (h === undefined) return date; // date only: that calendar day, no Date object involved
  let hour = +h;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
  }
  const minute = +min!;
  const second = s === undefined ? 0 : +s;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = fraction === undefined ? 0 : Math.floor(+`0.${fraction}` * 1000);
  const offset = offsetMinutes(zone);
  if (offset === 0) {
    // Already UTC: written directly (the common case, and cheaper than a Date).
    return `${date}T${pad(hour)}:${pad(minute)}:${pad(second)}.${String(ms).padStart(3, '0')}Z`;
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000;
  return new Date(utc).toISOString();
}

function offsetMinutes(zone: string | undefined): number {
  const m = zone ? /^([+-])(\d{2}):?(\d{2})$/.exec(zone) : null;
  if (!m) return 0; // no zone, Z, UTC, GMT
  return (m[1] === '-' ? -1 : 1) * (+m[2]! * 60 + +m[3]!);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
