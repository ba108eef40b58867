/**
 * A streaming RFC 4180 parser, written here rather than taken from a library. papaparse detects
 * the line terminator once, from the first chunk, and then splits on that terminator only: a
 * sheet whose rows mix CRLF and LF (rows pasted from another export) loses rows into neighbouring
 * cells, which is how the system we replace hid leads. csv-parse does accept several record
 * delimiters (`record_delimiter: ['\r\n', '\n', '\r']`, and auto-detection), so it is not that
 * it cannot; we keep this one because it also enforces Google's cell, column and row limits while
 * streaming, never throws on the lenient cases below, and is proven by the split-point and
 * round-trip tests in test/sheet/csv-parser.test.ts. Here CR, LF and CRLF each end a record,
 * wherever they appear outside quotes.
 *
 * Lenient by design, it never throws: a stray quote inside an unquoted field is kept literally,
 * text between a closing quote and the next delimiter is appended to the field, an unterminated
 * quoted field runs to the end of the input, and ragged rows come back as they are. Blank lines
 * come back as `['']`, so that for a Google export (one record per sheet row) record index =
 * sheet row − 1; callers skip them.
 *
 * Speed: fields are found with indexOf (positions cached per chunk, so each character is looked
 * at a constant number of times) and sliced, never built character by character. Only the
 * unfinished field travels between pushes, as a string already unescaped, so a huge quoted cell
 * spread over many chunks is not rescanned.
 *
 * Limits (RecordLimits: cell length, columns, row length) are enforced as the text streams: the
 * unfinished field is checked at the end of every push, so a 200 MB cell or a million-cell row
 * fails after at most one chunk past the limit, never after it was gathered. A limit is the one
 * thing the parser throws for (SHEET_CELL_TOO_LARGE, SHEET_TOO_MANY_COLUMNS, SHEET_ROW_TOO_LARGE);
 * the parser is not usable after that.
 */

import {
  cellTooLarge,
  recordLimits,
  rowTooLarge,
  tooManyColumns,
  type RecordLimits,
} from './record-limits.js';

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

// Where the parser stands between two pushes.
/** At the start of a field: `pending` holds nothing. */
const FIELD_START = 0;
/** Inside a quoted field: `pending` holds its unescaped text so far. */
const QUOTED = 1;
/** In an unquoted field, or after a closing quote: `pending` holds the field's text so far. */
const UNQUOTED = 2;
type Mode = typeof FIELD_START | typeof QUOTED | typeof UNQUOTED;

export class CsvParser {
  private mode: Mode = FIELD_START;
  private pending = '';
  /** Text not yet consumed: empty, or a single `"` that may close a field or start a `""`. */
  private tail = '';
  private row: string[] = [];
  /** The previous push ended with a CR that ended a record: an LF right after it belongs to it. */
  private skipLf = false;
  private started = false;
  /** Cell lengths of `row` so far (for the row limit). */
  private rowChars = 0;
  /** Records completed by earlier pushes, for the row number of a limit error. */
  private recordsBefore = 0;
  private readonly limits: RecordLimits;

  constructor(limits: Partial<RecordLimits> = {}) {
    this.limits = recordLimits(limits);
  }

  /** Parses the next piece of text; returns the records it completed. */
  push(text: string): string[][] {
    return this.parse(text, false);
  }

  /** Ends the input; returns the last record when the text did not end with a line break. */
  end(): string[][] {
    const records = this.parse('', true);
    this.mode = FIELD_START;
    this.pending = '';
    this.tail = '';
    this.row = [];
    this.skipLf = false;
    this.started = false;
    this.rowChars = 0;
    this.recordsBefore = 0;
    return records;
  }

  private parse(text: string, final: boolean): string[][] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const s = this.tail === '' ? text : this.tail + text;
    const n = s.length;
    const records: string[][] = [];
    let row = this.row;
    let mode = this.mode;
    let pending = this.pending;
    let rowChars = this.rowChars;
    const { maxCellChars, maxColumns, maxRowChars } = this.limits;
    let i = 0;
    if (this.skipLf && n > 0) {
      this.skipLf = false;
      if (s.charCodeAt(0) === LF) i = 1;
    }
    // Next position of each stop character at or after the last search; n when there is none.
    let nextComma = -1;
    let nextCr = -1;
    let nextLf = -1;

    for (;;) {
      if (mode === QUOTED) {
        const q = s.indexOf('"', i);
        if (q === -1 || (q + 1 === n && !final)) {
          // Out of text inside the quotes; keep a final quote, whose meaning the next push decides.
          const end = q === -1 ? n : q;
          pending += s.slice(i, end);
          i = end;
          if (!final) break;
          this.check(row, pending.length, rowChars + pending.length, records.length);
          row.push(pending); // unterminated at the end of the input: lenient, keep what came
          records.push(row);
          row = [];
          pending = '';
          mode = FIELD_START;
          break;
        }
        if (q + 1 < n && s.charCodeAt(q + 1) === QUOTE) {
          pending += s.slice(i, q + 1);
          i = q + 2;
          continue;
        }
        pending += s.slice(i, q);
        i = q + 1;
        mode = UNQUOTED;
        continue;
      }
      if (mode === FIELD_START) {
        if (i >= n) {
          if (final && row.length > 0) {
            this.check(row, 0, rowChars, records.length);
            row.push(''); // the input ended right after a comma
            records.push(row);
            row = [];
          }
          break;
        }
        if (s.charCodeAt(i) === QUOTE) {
          mode = QUOTED;
          i++;
          continue;
        }
      }
      if (nextComma < i) nextComma = indexOrEnd(s, ',', i);
      if (nextCr < i) nextCr = indexOrEnd(s, '\r', i);
      if (nextLf < i) nextLf = indexOrEnd(s, '\n', i);
      const stop =
        nextComma < nextCr ? (nextComma < nextLf ? nextComma : nextLf) : nextCr < nextLf ? nextCr : nextLf;
      if (stop === n) {
        pending += s.slice(i);
        i = n;
        if (!final) {
          mode = UNQUOTED;
          break;
        }
        this.check(row, pending.length, rowChars + pending.length, records.length);
        row.push(pending);
        records.push(row);
        row = [];
        pending = '';
        mode = FIELD_START;
        break;
      }
      const length = mode === FIELD_START ? stop - i : pending.length + stop - i;
      rowChars += length;
      // Checked before the slice: one comparison per field when nothing is over.
      if (length > maxCellChars || rowChars > maxRowChars || row.length >= maxColumns) {
        this.check(row, length, rowChars, records.length);
      }
      row.push(mode === FIELD_START ? s.slice(i, stop) : pending + s.slice(i, stop));
      pending = '';
      mode = FIELD_START;
      const c = s.charCodeAt(stop);
      i = stop + 1;
      if (c === COMMA) continue;
      records.push(row);
      row = [];
      rowChars = 0;
      if (c === CR) {
        if (i < n) {
          if (s.charCodeAt(i) === LF) i++;
        } else if (!final) {
          this.skipLf = true;
        }
      }
    }

    if (pending.length > maxCellChars || rowChars + pending.length > maxRowChars) {
      this.check(row, pending.length, rowChars + pending.length, records.length);
    }
    this.tail = s.slice(i);
    this.rowChars = rowChars;
    this.recordsBefore += records.length;
    this.row = row;
    this.mode = mode;
    this.pending = pending;
    return records;
  }

  /**
   * Throws for a field of `length` about to join `row` (or still growing) when it breaks a
   * limit; `rowChars` counts it in. The cell limit wins over the others, as the most precise.
   */
  private check(row: string[], length: number, rowChars: number, completed: number): void {
    const { maxCellChars, maxColumns, maxRowChars } = this.limits;
    const at = this.recordsBefore + completed + 1;
    if (length > maxCellChars) throw cellTooLarge(at, row.length + 1, maxCellChars);
    if (row.length >= maxColumns) throw tooManyColumns(at, maxColumns);
    if (rowChars > maxRowChars) throw rowTooLarge(at, maxRowChars);
  }
}

function indexOrEnd(s: string, char: string, from: number): number {
  const at = s.indexOf(char, from);
  return at === -1 ? s.length : at;
}
