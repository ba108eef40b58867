import { hash } from 'node:crypto';
import { DuplicateKeys, type DuplicateKey } from './duplicate-keys.js';
import { leadKey } from './lead-identity.js';
import type { CellWarnings } from './warnings.js';
import { normalizeEmail, normalizePhone, parseDateCell } from './normalize.js';
import { LEAD_FIELDS, type LeadField, type LeadValues, type SheetLead, type SheetMapping } from './types.js';

/** Joins values for hashing; Google Sheets cannot hold a NUL, so no two rows join alike. */
const SEP = '\u0000';

export interface LeadBuilder {
  /** The lead of one record after the header; null for a blank record (skipped, not a lead). */
  build(record: string[], sheetRow: number): SheetLead | null;
  /** Keys found on more than one row (at most 100, 20 rows each). */
  duplicates(): DuplicateKey[];
  /** Rows whose key was already taken and that got a `#n` suffix. */
  readonly duplicateCount: number;
}

/**
 * Turns records into leads for one sheet. Every non-blank record is a lead, whatever its cells
 * say: the system we replace filtered rows by content and dropped real leads whose notes said
 * "w/c 16th"; a row saying "TOTAL" or "test" is kept too, for a person to delete in the sheet.
 *
 * - `data`: every header name → trimmed cell ('' for cells missing from a short row); non-empty
 *   cells beyond the header are kept as `Column N`. Inner newlines, quotes and commas stay.
 * - `values`: the mapped fields, normalised. fullName is the Name column, or first + last name
 *   when only those exist; a full name is never split into first and last (names do not split
 *   reliably, and a guessed split would be wrong data).
 * - `key`: see lead-identity.ts; duplicates within the sheet get `#2`, `#3` (duplicate-keys.ts).
 * - `hash`: SHA-1 of the mapping fingerprint and every (name, value), in name order: the row's
 *   position is not in it, so a moved row, or a reordered header, changes no hash.
 */
export function createLeadBuilder(mapping: SheetMapping, warnings?: CellWarnings): LeadBuilder {
  // Interned once (a property-key round trip), so that the per-row keyed stores reuse them.
  const names = mapping.header.names.map((name) => Object.keys({ [name]: 0 })[0] ?? name);
  const width = names.length;
  const byName = names.map((_, index) => index).sort((a, b) => compareText(names[a]!, names[b]!));
  // The names go in once, as a digest; per row only the values are hashed.
  const layout = hash('sha1', byName.map((index) => names[index]).join(SEP), 'hex');
  const hashSeed = `${mapping.fingerprint}${SEP}${layout}${SEP}`;
  const keys = new DuplicateKeys();
  const extraNames: string[] = [];
  const taken = new Set(names);
  const extraName = (index: number): string => {
    let name = extraNames[index];
    if (name === undefined) {
      name = `Column ${index + 1}`;
      for (let n = 2; taken.has(name); n++) name = `Column ${index + 1} (${n})`;
      extraNames[index] = name;
    }
    return name;
  };
  const readValues = valueReader(mapping, warnings);
  const protoColumn = names.indexOf('__proto__');

  return {
    build(record, sheetRow) {
      const cells = new Array<string>(width);
      let blank = true;
      for (let i = 0; i < width; i++) {
        const value = record[i]?.trim() ?? '';
        cells[i] = value;
        if (value !== '') blank = false;
      }
      let extras: [string, string][] | null = null;
      for (let i = width; i < record.length; i++) {
        const value = record[i]!.trim();
        if (value !== '') (extras ??= []).push([extraName(i), own(value)]);
      }
      if (blank && extras === null) return null;

      const data: Record<string, string> = {};
      const sorted = new Array<string>(width);
      for (let i = 0; i < width; i++) {
        const value = own(cells[i]!);
        cells[i] = value;
        if (protoColumn === i) setProto(data, value);
        else data[names[i]!] = value;
      }
      for (let j = 0; j < width; j++) sorted[j] = cells[byName[j]!]!;
      let content = sorted.join(SEP);
      for (const [name, value] of extras ?? []) {
        if (name === '__proto__') setProto(data, value);
        else data[name] = value;
        content += `${SEP}${SEP}${name}${SEP}${value}`;
      }
      const values = readValues(cells);
      const identity = leadKey(mapping, cells, values, content);
      return {
        key: keys.claim(identity, sheetRow),
        identity,
        sheetRow,
        hash: hash('sha1', hashSeed + content, 'hex'),
        data,
        values,
      };
    },
    duplicates: () => keys.list(),
    get duplicateCount() {
      return keys.count;
    },
  };
}

/**
 * Reads the typed values from a row's trimmed cells; no closure is made per row (hot path).
 * A cell that is there but cannot be read (a date, an email, a phone number) is noted in
 * `warnings`; only failures cost anything.
 */
function valueReader(mapping: SheetMapping, warnings?: CellWarnings): (cells: string[]) => LeadValues {
  const { fields, dateOrder } = mapping;
  const column = {} as Record<LeadField, number>;
  for (const field of LEAD_FIELDS) column[field] = fields[field] ?? -1;
  const names = mapping.header.names;
  const note = (code: Parameters<CellWarnings['note']>[0], field: LeadField, cell: string) =>
    warnings?.note(code, names[column[field]] ?? field, cell);
  return (cells) => {
    const firstName = cellAt(cells, column.firstName);
    const lastName = cellAt(cells, column.lastName);
    const emailCell = cellAt(cells, column.email);
    const phoneCell = cellAt(cells, column.phone);
    const dateCell = cellAt(cells, column.occurredAt);
    const email = emailCell === null ? null : normalizeEmail(emailCell);
    if (email === null && emailCell !== null) note('EMAIL_INVALID', 'email', emailCell);
    const phoneNormalized = phoneCell === null ? null : normalizePhone(phoneCell);
    if (phoneNormalized === null && phoneCell !== null) note('PHONE_UNREADABLE', 'phone', phoneCell);
    const occurredAt = dateCell === null ? null : parseDateCell(dateCell, dateOrder);
    if (occurredAt === null && dateCell !== null) note('DATE_UNREADABLE', 'occurredAt', dateCell);
    // Every mapped field is its cell as it is (a field added to lead-fields.ts needs nothing
    // here), then the ones that are read and normalised.
    const values = {} as LeadValues;
    for (const field of LEAD_FIELDS) values[field] = cellAt(cells, column[field]);
    values.fullName ??= joinName(firstName, lastName);
    values.email = email;
    values.phoneNormalized = phoneNormalized;
    values.occurredAt = occurredAt;
    return values;
  };
}

/** The cell of a mapped column, null when the field is not mapped or the cell is empty. */
function cellAt(cells: string[], column: number): string | null {
  return column < 0 ? null : cells[column] || null;
}

function joinName(first: string | null, last: string | null): string | null {
  return first === null ? last : last === null ? first : `${first} ${last}`;
}

/** Plain assignment would make a `__proto__` header set the object's prototype. */
function setProto(data: Record<string, string>, value: string): void {
  Object.defineProperty(data, '__proto__', { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A copy of a cell that does not point into the parser's chunk. V8 slices (substring, slice,
 * trim) of 13 characters or more are views that keep their whole parent string alive: keeping
 * one lead in 100 of a 500k-row sheet kept ~380 MB of 64 KB chunks in memory this way.
 */
function own(cell: string): string {
  return cell.length < 13 ? cell : (' ' + cell).slice(1);
}

/** Code-unit order: the same on every machine and locale, unlike localeCompare. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
