import { describe, expect, it } from 'vitest';
import { CsvParser } from '../../src/sheet/csv-parser.js';
import { readFixture } from './fixtures.js';

/** Parses text given as pieces (one push each), as a stream would deliver it. */
function parse(...pieces: string[]): string[][] {
  const parser = new CsvParser();
  const records = pieces.flatMap((piece) => parser.push(piece));
  return [...records, ...parser.end()];
}

/** Parses the same text split at every position, to catch state lost between pushes. */
function parseEverySplit(text: string): string[][][] {
  const results: string[][][] = [];
  for (let at = 0; at <= text.length; at++) results.push(parse(text.slice(0, at), text.slice(at)));
  return results;
}

describe('CsvParser', () => {
  it('parses plain records and returns them as they complete', () => {
    const parser = new CsvParser();
    expect(parser.push('a,b,c\n1,2')).toEqual([['a', 'b', 'c']]);
    expect(parser.push(',3\n')).toEqual([['1', '2', '3']]);
    expect(parser.end()).toEqual([]);
  });

  it('returns the last record when the text does not end with a line break', () => {
    expect(parse('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parse('a,')).toEqual([['a', '']]);
  });

  it('ends a record at CR, LF or CRLF, mixed in one file', () => {
    expect(parse('a\r\nb\nc\rd\r\ne')).toEqual([['a'], ['b'], ['c'], ['d'], ['e']]);
  });

  it('does not make an empty record of a CRLF split across two pushes', () => {
    expect(parse('a,b\r', '\nc,d\r\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parse('a\r', '', '\nb')).toEqual([['a'], ['b']]);
  });

  it('returns blank lines as one empty cell, so record index = sheet row − 1', () => {
    expect(parse('h\n\r\n\rx\n')).toEqual([['h'], [''], [''], ['x']]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields exactly', () => {
    const text = '"a,b","say ""hi""","one\r\ntwo\nthree\rfour",""\n';
    expect(parse(text)).toEqual([['a,b', 'say "hi"', 'one\r\ntwo\nthree\rfour', '']]);
    for (const result of parseEverySplit(text)) expect(result).toEqual(parse(text));
  });

  it('keeps a stray quote inside an unquoted field literally', () => {
    expect(parse('6" screen,a "b" c\n')).toEqual([['6" screen', 'a "b" c']]);
  });

  it('appends text that follows a closing quote instead of failing', () => {
    expect(parse('"Quoted"and more,x\n')).toEqual([['Quotedand more', 'x']]);
  });

  it('keeps an unterminated quoted field to the end of the input', () => {
    expect(parse('a,"open\nstill open')).toEqual([['a', 'open\nstill open']]);
  });

  it('returns ragged rows as they are', () => {
    expect(parse('a,b,c\n1\n1,2,3,4\n')).toEqual([['a', 'b', 'c'], ['1'], ['1', '2', '3', '4']]);
  });

  it('strips a leading byte order mark, and only at the start', () => {
    expect(parse('\ufeffName,Email\n', 'x,\ufeffy\n')).toEqual([
      ['Name', 'Email'],
      ['x', '\ufeffy'],
    ]);
    expect(parse('', '\ufeffa')).toEqual([['a']]);
  });

  it('returns nothing for empty input', () => {
    expect(parse('')).toEqual([]);
  });

  it('gives the same records wherever the chunks are cut', () => {
    const text = 'id,"na,me"\r\n1,"x""y"\n\n2,"multi\r\nline"\r3,z"w\r\n"end"';
    const whole = parse(text);
    for (const result of parseEverySplit(text)) expect(result).toEqual(whole);
    expect(parse(...text.split(''))).toEqual(whole);
  });

  it('reads every row of a file mixing CRLF, LF and CR', async () => {
    const records = parse(await readFixture('mixed-line-endings.csv'));
    expect(records.map((record) => record[0])).toEqual(['Lead ID', 'L-1', 'L-2', 'L-3', 'L-4', 'L-5', 'L-6']);
    expect(records[3]?.[3]).toBe('third, with a\r\nline break inside');
  });

  it('reads a file with CR-only line endings', async () => {
    const records = parse(await readFixture('cr-only.csv'));
    expect(records).toHaveLength(4);
    expect(records[2]).toEqual(['Alan Turing', 'alan@example.com', 'Bletchley, Park']);
  });
});

describe('CsvParser round trip (property)', () => {
  const ALPHABET = ['a', 'Z', '0', ' ', ',', '"', '\r', '\n', 'é', '王', '😀', '\t', "'"];

  /** Seeded PRNG (mulberry32), so a failure names a reproducible seed. */
  function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const quote = (field: string): string => `"${field.replace(/"/g, '""')}"`;
  // Quote only when needed, as Google does; a field starting with a quote must be quoted too.
  const serialize = (field: string): string => (/[",\r\n]/.test(field) ? quote(field) : field);

  it('parses what it serialises, whatever the fields and chunk sizes', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const next = random(seed);
      const width = 1 + Math.floor(next() * 5);
      const rows: string[][] = [];
      for (let r = Math.floor(next() * 8); r >= 0; r--) {
        const row: string[] = [];
        for (let c = 0; c < width; c++) {
          let field = '';
          for (let k = Math.floor(next() * 7); k > 0; k--)
            field += ALPHABET[Math.floor(next() * ALPHABET.length)];
          row.push(field);
        }
        rows.push(row);
      }
      const eol = ['\n', '\r\n', '\r'][Math.floor(next() * 3)]!;
      // A row of one empty field is written `""` (a blank line would parse the same, as `['']`).
      const text = rows
        .map((row) => (row.length === 1 && row[0] === '' ? '""' : row.map(serialize).join(',')))
        .join(eol);
      const pieces: string[] = [];
      for (let at = 0; at < text.length;) {
        const size = 1 + Math.floor(next() * 12);
        pieces.push(text.slice(at, at + size));
        at += size;
      }
      expect(parse(...pieces), `seed ${seed}: ${JSON.stringify(text)}`).toEqual(rows);
    }
  });
});
