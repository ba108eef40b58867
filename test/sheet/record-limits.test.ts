import { describe, expect, it } from 'vitest';
import { CsvParser } from '../../src/sheet/csv-parser.js';
import {
  checkRecords,
  DEFAULT_RECORD_LIMITS,
  GOOGLE_MAX_CELL_CHARS,
  GOOGLE_MAX_COLUMNS,
  type RecordLimits,
} from '../../src/sheet/record-limits.js';
import { parseCsvChunks } from '../../src/sheet/sheet-reader.js';
import { isLeadsyncError } from '../../src/errors.js';

type Outcome = { records: string[][] } | { code: string; details: unknown };

/** Parses `pieces` (one push each) with `limits`; the records, or the limit error's code and details. */
function run(limits: Partial<RecordLimits>, ...pieces: string[]): Outcome {
  const parser = new CsvParser(limits);
  try {
    const records = pieces.flatMap((piece) => parser.push(piece));
    return { records: [...records, ...parser.end()] };
  } catch (error) {
    if (!isLeadsyncError(error)) throw error;
    return { code: error.code, details: error.details };
  }
}

/** The outcome of `text` cut at every position into two pushes, and cut into single characters. */
function everySplit(limits: Partial<RecordLimits>, text: string): Outcome[] {
  const outcomes: Outcome[] = [];
  for (let at = 0; at <= text.length; at++) outcomes.push(run(limits, text.slice(0, at), text.slice(at)));
  outcomes.push(run(limits, ...text.split('')));
  return outcomes;
}

function expectEverySplit(limits: Partial<RecordLimits>, text: string, expected: Outcome): void {
  for (const outcome of everySplit(limits, text)) expect(outcome).toEqual(expected);
}

describe('CsvParser limits, wherever the chunks are cut', () => {
  const cell = { maxCellChars: 5 };

  it('accepts a cell of exactly the limit, counting an escaped quote as one character', () => {
    expectEverySplit(cell, 'a,b\n12345,"12""34"\n', {
      records: [
        ['a', 'b'],
        ['12345', '12"34'],
      ],
    });
  });

  it.each([
    ['unquoted', 'a,b\n1,123456\n'],
    ['quoted', 'a,b\n1,"123456"\n'],
    ['quoted with escapes', 'a,b\n1,"12""345"\n'],
    ['quoted, then text after the quote', 'a,b\n1,"123"456\n'],
    ['last, without a line break', 'a,b\n1,123456'],
    ['unterminated quote', 'a,b\n1,"123456'],
  ])('fails with SHEET_CELL_TOO_LARGE on a cell one over the limit (%s)', (_, text) => {
    expectEverySplit(cell, text, {
      code: 'SHEET_CELL_TOO_LARGE',
      details: { row: 2, column: 2, maxChars: 5 },
    });
  });

  it('fails with SHEET_TOO_MANY_COLUMNS on a row one column over, a trailing comma included', () => {
    const columns = { maxColumns: 3 };
    expectEverySplit(columns, 'a,b,c\n1,2,3', {
      records: [
        ['a', 'b', 'c'],
        ['1', '2', '3'],
      ],
    });
    for (const text of ['a,b,c\n1,2,3,4\n', 'a,b,c\n1,2,3,\n', 'a,b,c\n1,2,3,']) {
      expectEverySplit(columns, text, {
        code: 'SHEET_TOO_MANY_COLUMNS',
        details: { row: 2, maxColumns: 3 },
      });
    }
  });

  it('fails with SHEET_ROW_TOO_LARGE when the cells of a row add up to more than the limit', () => {
    const row = { maxRowChars: 6 };
    expectEverySplit(row, 'ab,cd,ef\n"ab",cd,ef', {
      records: [
        ['ab', 'cd', 'ef'],
        ['ab', 'cd', 'ef'],
      ],
    });
    for (const text of ['ab,cd,ef\nab,cd,efg\n', 'ab,cd,ef\nab,cd,"ef"""', 'x\nab,cd,ef\nabcdefg,\n']) {
      const outcome = run(row, text);
      expect(outcome).toMatchObject({ code: 'SHEET_ROW_TOO_LARGE', details: { maxChars: 6 } });
      for (const split of everySplit(row, text)) expect(split).toEqual(outcome);
    }
  });

  it('counts the row number across pushes and blank lines', () => {
    expect(run(cell, 'a\n', '\n', 'b\r\n', 'c\n', '123456\n')).toEqual({
      code: 'SHEET_CELL_TOO_LARGE',
      details: { row: 5, column: 1, maxChars: 5 },
    });
  });
});

describe('CsvParser limits while streaming', () => {
  it('fails on the push that takes a quoted cell over the limit, before the cell is complete', () => {
    const parser = new CsvParser({ maxCellChars: 100 });
    expect(parser.push('Name,Notes\nAda,"')).toEqual([['Name', 'Notes']]);
    expect(parser.push('x'.repeat(60))).toEqual([]);
    expect(() => parser.push('x'.repeat(60))).toThrow(
      expect.objectContaining({ code: 'SHEET_CELL_TOO_LARGE' }),
    );
  });

  it('fails on the push that takes an unquoted line over the row limit', () => {
    const parser = new CsvParser({ maxRowChars: 100 });
    expect(parser.push('y'.repeat(99))).toEqual([]);
    expect(() => parser.push('yy')).toThrow(expect.objectContaining({ code: 'SHEET_ROW_TOO_LARGE' }));
  });

  it('fails on a million-cell row after the limit, not after the million', () => {
    const parser = new CsvParser();
    let pushes = 0;
    const chunk = ','.repeat(64 * 1024);
    expect(() => {
      for (; pushes < 16; pushes++) parser.push(chunk);
    }).toThrow(
      expect.objectContaining({ code: 'SHEET_TOO_MANY_COLUMNS', details: { row: 1, maxColumns: 18_278 } }),
    );
    expect(pushes).toBe(0);
  });

  it('uses Google limits by default: 50,000 characters per cell and 18,278 columns', () => {
    expect(DEFAULT_RECORD_LIMITS).toMatchObject({ maxCellChars: 50_000, maxColumns: 18_278 });
    const at = (n: number) => 'x'.repeat(n);
    expect(run({}, `a\n${at(GOOGLE_MAX_CELL_CHARS)}\n`)).toEqual({ records: [['a'], [at(50_000)]] });
    expect(run({}, `a\n"${at(GOOGLE_MAX_CELL_CHARS + 1)}"\n`)).toMatchObject({
      code: 'SHEET_CELL_TOO_LARGE',
    });
    const wide = (n: number) => Array.from({ length: n }, () => 'c').join(',');
    expect(run({}, wide(GOOGLE_MAX_COLUMNS))).toMatchObject({ records: [expect.any(Array)] });
    expect(run({}, wide(GOOGLE_MAX_COLUMNS + 1))).toMatchObject({ code: 'SHEET_TOO_MANY_COLUMNS' });
  });

  it('passes limits through parseCsvChunks', async () => {
    async function* text() {
      yield 'a,b\n';
      yield '1,"1234';
      yield '56"\n';
    }
    const records: string[][] = [];
    const read = async () => {
      for await (const chunk of parseCsvChunks(text(), { maxCellChars: 5 })) records.push(...chunk);
    };
    await expect(read()).rejects.toMatchObject({ code: 'SHEET_CELL_TOO_LARGE' });
    expect(records).toEqual([['a', 'b']]);
  });
});

describe('checkRecords (rows that arrive whole)', () => {
  const limits = { maxCellChars: 5, maxColumns: 3, maxRowChars: 8 };
  const codeOf = (records: string[][], firstRow?: number): unknown => {
    try {
      checkRecords(records, limits, firstRow);
      return null;
    } catch (error) {
      return isLeadsyncError(error) ? { code: error.code, details: error.details } : error;
    }
  };

  it('accepts rows within every limit', () => {
    expect(
      codeOf([
        ['12345', '123'],
        ['a', 'b', 'c'],
      ]),
    ).toBeNull();
  });

  it('names the row and column over a limit', () => {
    expect(codeOf([['a'], ['b', '123456']], 10)).toEqual({
      code: 'SHEET_CELL_TOO_LARGE',
      details: { row: 11, column: 2, maxChars: 5 },
    });
    expect(codeOf([['a', 'b', 'c', 'd']])).toEqual({
      code: 'SHEET_TOO_MANY_COLUMNS',
      details: { row: 1, maxColumns: 3 },
    });
    expect(codeOf([['12345', '12345']])).toEqual({
      code: 'SHEET_ROW_TOO_LARGE',
      details: { row: 1, maxChars: 8 },
    });
  });
});
