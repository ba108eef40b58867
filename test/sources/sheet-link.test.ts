import { describe, expect, it } from 'vitest';
import { linkFields, parseSheetLink, sourceKindOf } from '../../src/sources/sheet-link.js';
import { rejection, SHEET_ID } from './support.js';

const ID = SHEET_ID;
const PUB = '2PACX-1vSx9Ah3bN6Qz_kT2cY0lE8rWm-dPgF4uJvH7iK1oLnM5pRqStUvWxYz0aB1cD2eF3gH4iJ5kL6mN7o';

describe('parseSheetLink', () => {
  const googleForms: [string, string | null][] = [
    [`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=0`, '0'],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=1234567890`, '1234567890'],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit?gid=42`, '42'],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit?gid=7#gid=7`, '7'],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit?usp=sharing`, null],
    [`https://docs.google.com/spreadsheets/d/${ID}/edit`, null],
    [`https://docs.google.com/spreadsheets/d/${ID}`, null],
    [`https://docs.google.com/spreadsheets/d/${ID}/`, null],
    [`https://docs.google.com/spreadsheets/d/${ID}/export?format=csv&gid=99`, '99'],
    [`https://docs.google.com/spreadsheets/d/${ID}/export?format=csv`, null],
    [`https://docs.google.com/spreadsheets/d/${ID}/htmlview`, null],
    [`https://docs.google.com/spreadsheets/d/${ID}/htmlview#gid=5`, '5'],
    [`https://docs.google.com/spreadsheets/u/0/d/${ID}/edit#gid=3`, '3'],
    [`https://docs.google.com/spreadsheets/u/1/d/${ID}/htmlview`, null],
    [`http://docs.google.com/spreadsheets/d/${ID}/edit#gid=0`, '0'],
    [`docs.google.com/spreadsheets/d/${ID}/edit#gid=8`, '8'],
    [`  https://docs.google.com/spreadsheets/d/${ID}/edit#gid=0&range=A1:C4 \n`, '0'],
    [`https://DOCS.GOOGLE.COM/spreadsheets/d/${ID}/edit`, null],
    [ID, null],
    [`  ${ID}\t`, null],
  ];
  it.each(googleForms)('reads %j as a Google sheet with gid %j', (input, gid) => {
    expect(parseSheetLink(input)).toEqual({ kind: 'google', spreadsheetId: ID, gid });
  });

  const publishedForms: [string, string | null][] = [
    [`https://docs.google.com/spreadsheets/d/e/${PUB}/pub?gid=0&single=true&output=csv`, '0'],
    [`https://docs.google.com/spreadsheets/d/e/${PUB}/pub?output=csv`, null],
    [`https://docs.google.com/spreadsheets/d/e/${PUB}/pubhtml`, null],
    [`https://docs.google.com/spreadsheets/d/e/${PUB}/pubhtml?gid=12&single=true`, '12'],
    [`docs.google.com/spreadsheets/d/e/${PUB}/pub?gid=3&single=true&output=csv`, '3'],
  ];
  it.each(publishedForms)('reads %j as a published sheet with gid %j', (input, gid) => {
    expect(parseSheetLink(input)).toEqual({ kind: 'google_published', publishedId: PUB, gid });
  });

  it('reads any other http(s) URL as a CSV URL', () => {
    expect(parseSheetLink(' https://example.com/leads.csv?token=abc ')).toEqual({
      kind: 'csv_url',
      url: 'https://example.com/leads.csv?token=abc',
    });
    expect(parseSheetLink('http://10.0.0.1/x.csv')).toEqual({
      kind: 'csv_url',
      url: 'http://10.0.0.1/x.csv',
    });
  });

  it('keeps only the ids of a Google link: the host is never fetched', () => {
    expect(parseSheetLink(`https://docs.google.com./spreadsheets/d/${ID}/edit`)).toEqual({
      kind: 'google',
      spreadsheetId: ID,
      gid: null,
    });
    expect(parseSheetLink(`https://spreadsheets.google.com/spreadsheets/d/${ID}/edit`)).toMatchObject({
      kind: 'google',
    });
  });

  it('accepts local files only when asked to', async () => {
    expect(parseSheetLink('./leads.csv', { allowFiles: true })).toEqual({
      kind: 'file',
      path: './leads.csv',
    });
    expect(parseSheetLink('/data/leads.csv', { allowFiles: true })).toEqual({
      kind: 'file',
      path: '/data/leads.csv',
    });
    expect(parseSheetLink('file:///data/leads%20may.csv', { allowFiles: true })).toEqual({
      kind: 'file',
      path: '/data/leads may.csv',
    });
    await rejection(
      Promise.resolve().then(() => parseSheetLink('./leads.csv')),
      'SHEET_URL_INVALID',
    );
    await rejection(
      Promise.resolve().then(() => parseSheetLink('file:///etc/passwd')),
      'SHEET_URL_INVALID',
    );
  });

  const invalid = [
    '',
    '   ',
    'not a link',
    'ftp://example.com/leads.csv',
    'javascript:alert(1)',
    'https://docs.google.com/document/d/1abcdefghijklmnopqrstuvwxyz0123/edit',
    'https://docs.google.com/spreadsheets/d/short/edit',
    `https://docs.google.com/spreadsheets/d/${ID}/edit#gid=abc`,
    `https://docs.google.com/spreadsheets/d/${ID}/edit?gid=-1`,
    'https://',
    'shortid',
  ];
  it.each(invalid)('rejects %j with SHEET_URL_INVALID', async (input) => {
    await rejection(
      Promise.resolve().then(() => parseSheetLink(input)),
      'SHEET_URL_INVALID',
    );
  });

  it('rejects a malformed gid rather than falling back to the first tab', async () => {
    const error = await rejection(
      Promise.resolve().then(() =>
        parseSheetLink(`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=1x`),
      ),
      'SHEET_URL_INVALID',
    );
    expect(error.message).toContain('gid');
  });
});

describe('sourceKindOf', () => {
  it('uses the API for Google links when credentials exist, the export otherwise', () => {
    const google = parseSheetLink(ID);
    expect(sourceKindOf(google)).toBe('google_export');
    expect(sourceKindOf(google, true)).toBe('google_api');
  });

  it('always uses the export for published links, which have no spreadsheet id', () => {
    const link = parseSheetLink(`https://docs.google.com/spreadsheets/d/e/${PUB}/pub?output=csv`);
    expect(sourceKindOf(link, true)).toBe('google_export');
  });

  it('names CSV URLs and files for what they are', () => {
    expect(sourceKindOf(parseSheetLink('https://example.com/a.csv'))).toBe('csv_url');
    expect(sourceKindOf(parseSheetLink('a.csv', { allowFiles: true }))).toBe('file');
  });
});

describe('linkFields', () => {
  it('stores the spreadsheet id and tab of an edit link, via the API when a key is configured', () => {
    const link = parseSheetLink(
      'https://docs.google.com/spreadsheets/d/1AbcdefghijklmnopqrstuvwxyzABCDE/edit#gid=42',
    );
    expect(linkFields(link)).toEqual({
      sourceKind: 'google_export',
      spreadsheetId: '1AbcdefghijklmnopqrstuvwxyzABCDE',
      gid: '42',
    });
    expect(linkFields(link, true).sourceKind).toBe('google_api');
  });

  it('stores the published id of a published link, which only the export can read', () => {
    const link = parseSheetLink(
      'https://docs.google.com/spreadsheets/d/e/2PACX-1vAbcdefghijklmnop/pub?gid=7&single=true&output=csv',
    );
    expect(linkFields(link, true)).toEqual({
      sourceKind: 'google_export',
      spreadsheetId: '2PACX-1vAbcdefghijklmnop',
      gid: '7',
    });
  });

  it('stores no spreadsheet id for a CSV URL', () => {
    expect(linkFields(parseSheetLink('https://example.com/leads.csv'))).toEqual({
      sourceKind: 'csv_url',
      spreadsheetId: null,
      gid: null,
    });
  });
});
