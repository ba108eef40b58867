import { DEFAULT_MAX_ROW_CHARS } from '../defaults.js';
import { LeadsyncError } from '../errors.js';

/**
 * How big one record of a sheet may be. Google Sheets itself allows 50,000 characters per cell
 * and 18,278 columns (A…ZZZ), so anything larger is not a sheet and we refuse it rather than
 * carry it into leads, pages, events and mails (a 200 MB cell once synced as `success` and made
 * a 419 MB leads page). The row cap is ours (config.sheet.maxRowChars), well below 50,000 ×
 * 18,278. Lengths are JavaScript string lengths (UTF-16 code units) of the unescaped cells.
 */
export interface RecordLimits {
  maxCellChars: number;
  maxColumns: number;
  /** Sum of the cell lengths of one record. */
  maxRowChars: number;
}

export const GOOGLE_MAX_CELL_CHARS = 50_000;
export const GOOGLE_MAX_COLUMNS = 18_278;

export const DEFAULT_RECORD_LIMITS: Readonly<RecordLimits> = Object.freeze({
  maxCellChars: GOOGLE_MAX_CELL_CHARS,
  maxColumns: GOOGLE_MAX_COLUMNS,
  maxRowChars: DEFAULT_MAX_ROW_CHARS,
});

/** The limits with defaults filled in. */
export function recordLimits(limits: Partial<RecordLimits> = {}): RecordLimits {
  return { ...DEFAULT_RECORD_LIMITS, ...limits };
}

/**
 * The error for a record over a limit. `row` and `column` are 1-based (record index + 1, so the
 * sheet row for a Google export); the message names where, never what: cell text must not reach
 * run history, events or mails.
 */
export function cellTooLarge(row: number, column: number, maxChars: number): LeadsyncError {
  return new LeadsyncError(
    'SHEET_CELL_TOO_LARGE',
    `Row ${row}, column ${column} holds more than ${maxChars.toLocaleString('en')} characters`,
    { details: { row, column, maxChars } },
  );
}

export function tooManyColumns(row: number, maxColumns: number): LeadsyncError {
  return new LeadsyncError(
    'SHEET_TOO_MANY_COLUMNS',
    `Row ${row} has more than ${maxColumns.toLocaleString('en')} columns`,
    { details: { row, maxColumns } },
  );
}

export function rowTooLarge(row: number, maxChars: number): LeadsyncError {
  return new LeadsyncError(
    'SHEET_ROW_TOO_LARGE',
    `Row ${row} holds more than ${maxChars.toLocaleString('en')} characters (LEADSYNC_MAX_ROW_CHARS)`,
    { details: { row, maxChars } },
  );
}

/**
 * Checks records that arrive whole (the Sheets API's rows); `firstRow` is the 1-based row of
 * `records[0]`. The CSV parser checks while it streams instead, before a field is complete.
 */
export function checkRecords(records: readonly string[][], limits: RecordLimits, firstRow = 1): void {
  for (let r = 0; r < records.length; r++) {
    const record = records[r]!;
    const row = firstRow + r;
    let chars = 0;
    for (let c = 0; c < record.length; c++) {
      const length = record[c]!.length;
      if (length > limits.maxCellChars) throw cellTooLarge(row, c + 1, limits.maxCellChars);
      if (c >= limits.maxColumns) throw tooManyColumns(row, limits.maxColumns);
      chars += length;
      if (chars > limits.maxRowChars) throw rowTooLarge(row, limits.maxRowChars);
    }
  }
}
