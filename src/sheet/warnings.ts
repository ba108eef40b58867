import { boundName, describeNames } from './bounded-names.js';
import type { DateOrder } from './types.js';

/**
 * What was wrong with a sheet's data. A warning never fails a run: the leads are written as
 * well as they can be, and the run says what a person should fix in the sheet.
 */
export type WarningCode =
  | 'SHEET_EMPTY'
  | 'DATE_UNREADABLE'
  | 'EMAIL_INVALID'
  | 'PHONE_UNREADABLE'
  | 'DUPLICATE_KEYS'
  | 'COLUMNS_UNMAPPED'
  | 'HEADER_CHANGED';

export interface RunWarning {
  code: WarningCode;
  message: string;
  /** The header of the column concerned, when there is one. */
  column?: string;
  /** How many cells, rows or columns it concerns. */
  count: number;
  /** Up to 5 examples: cell values (bounded to 200 characters) or sheet row numbers. */
  samples?: (string | number)[];
}

/** At most this many kinds of warning per run (a kind is a code, and a column for cell warnings). */
export const MAX_WARNING_KINDS = 20;
export const MAX_WARNING_SAMPLES = 5;

const ORDER_WORDS: Record<DateOrder, string> = { DMY: 'day/month/year', MDY: 'month/day/year' };

interface CellKind {
  code: 'DATE_UNREADABLE' | 'EMAIL_INVALID' | 'PHONE_UNREADABLE';
  column: string;
  count: number;
  samples: string[];
}

/**
 * Counts bad cells while a sheet streams: per kind a count and the first 5 values, so memory
 * stays bounded whatever the sheet's size. Called only for cells that failed to read, so the
 * hot path of a clean row costs nothing.
 */
export class CellWarnings {
  private readonly kinds = new Map<string, CellKind>();

  constructor(private readonly dateOrder: DateOrder) {}

  note(code: CellKind['code'], column: string, value: string): void {
    const id = `${code}\u0000${column}`;
    let kind = this.kinds.get(id);
    if (!kind) {
      if (this.kinds.size >= MAX_WARNING_KINDS) return;
      kind = { code, column, count: 0, samples: [] };
      this.kinds.set(id, kind);
    }
    kind.count++;
    if (kind.samples.length < MAX_WARNING_SAMPLES) kind.samples.push(boundName(value));
  }

  list(): RunWarning[] {
    return [...this.kinds.values()].map((kind) => ({
      code: kind.code,
      message: cellMessage(kind, this.dateOrder),
      column: kind.column,
      count: kind.count,
      samples: [...kind.samples],
    }));
  }
}

function cellMessage(kind: CellKind, order: DateOrder): string {
  const first = kind.samples[0] ?? '';
  const where = `column ${kind.column}, ${kind.count} ${kind.count === 1 ? 'cell' : 'cells'}`;
  switch (kind.code) {
    case 'DATE_UNREADABLE':
      return `${first} is not a date in ${ORDER_WORDS[order]} (${where}; stored without a date)`;
    case 'EMAIL_INVALID':
      return `${first} is not an email address (${where}; stored without an email)`;
    case 'PHONE_UNREADABLE':
      return `${first} is not a phone number, fewer than 5 digits (${where}; kept as written)`;
  }
}

/** A header and no lead row below it. */
export function sheetEmptyWarning(headerRow: number): RunWarning {
  return {
    code: 'SHEET_EMPTY',
    message: `The sheet has a header (row ${headerRow}) and no lead rows`,
    count: 0,
  };
}

/** Rows that repeat an earlier row's identity: kept as leads of their own, for a person to fix. */
export function duplicateKeysWarning(count: number, groups: readonly { rows: number[] }[]): RunWarning {
  const samples: number[] = [];
  for (const { rows } of groups) {
    for (const row of rows) if (samples.length < MAX_WARNING_SAMPLES) samples.push(row);
  }
  const first = groups[0]?.rows ?? [];
  return {
    code: 'DUPLICATE_KEYS',
    message:
      `${count} ${count === 1 ? 'row shares' : 'rows share'} an identity with an earlier row ` +
      `(e.g. rows ${first.slice(0, MAX_WARNING_SAMPLES).join(', ')}); each is kept as a lead of its own`,
    count,
    samples,
  };
}

/** Columns no lead field reads: their values are kept only in the lead's `data`. */
export function columnsUnmappedWarning(names: readonly string[]): RunWarning {
  return {
    code: 'COLUMNS_UNMAPPED',
    message: `${names.length} ${names.length === 1 ? 'column is' : 'columns are'} kept only in data: ${describeNames(names, MAX_WARNING_SAMPLES)}`,
    count: names.length,
    samples: names.slice(0, MAX_WARNING_SAMPLES).map((name) => boundName(name)),
  };
}

/** Columns added or removed since the last successful sync. */
export function headerChangedWarning(added: readonly string[], removed: readonly string[]): RunWarning {
  const parts = [
    added.length > 0 ? `added ${describeNames(added, MAX_WARNING_SAMPLES)}` : '',
    removed.length > 0 ? `removed ${describeNames(removed, MAX_WARNING_SAMPLES)}` : '',
  ].filter(Boolean);
  return {
    code: 'HEADER_CHANGED',
    message: `The header changed since the last successful sync: ${parts.join('; ')}`,
    count: added.length + removed.length,
    samples: [...added, ...removed].slice(0, MAX_WARNING_SAMPLES).map((name) => boundName(name)),
  };
}

/** At most MAX_WARNING_KINDS, in the order given. */
export function capWarnings(warnings: readonly RunWarning[]): RunWarning[] {
  return warnings.slice(0, MAX_WARNING_KINDS);
}
