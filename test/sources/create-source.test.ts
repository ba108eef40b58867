import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSource } from '../../src/sources/create-source.js';
import { parseSheetLink } from '../../src/sources/sheet-link.js';
import { startFakeGoogle, type FakeGoogle } from '../fake-google/server.js';
import { testConfig } from './fake-config.js';
import { allRows, csvText, rejection, SHEET_ID } from './support.js';

const CSV = 'Name,Email\nAda,ada@example.com\n';
const PUB = '2PACX-1vQfakePublishedSheetId_0123456789abcdefghijklmnopqrstuvwxyz';

let fake: FakeGoogle;
let dir: string;
let keyFile: string;
beforeAll(async () => {
  fake = await startFakeGoogle();
  dir = await mkdtemp(join(tmpdir(), 'leadsync-create-source-'));
  const key = await fake.generateServiceAccountKey();
  keyFile = join(dir, 'service-account.json');
  await writeFile(keyFile, JSON.stringify(key));
  await writeFile(join(dir, 'leads.csv'), CSV);
  fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv: CSV }], {
    private: true,
    sharedWith: [key.client_email],
  });
  fake.setPublished(PUB, CSV);
  fake.setFile('/leads.csv', CSV);
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.requests.length = 0;
});

const googleLink = parseSheetLink(`https://docs.google.com/spreadsheets/d/${SHEET_ID}/edit#gid=0`);

describe('createSource', () => {
  it('uses the CSV export for Google links when no service account is configured', async () => {
    const source = createSource(googleLink, testConfig(fake));
    expect(source.kind).toBe('google_export');
    // The sheet is private: the export can only say so.
    await rejection(source.open(), 'SHEET_NOT_PUBLIC');
  });

  it('uses the Sheets API for Google links when a service-account key is configured', async () => {
    const source = createSource(googleLink, testConfig(fake, { credentialsFile: keyFile }));
    expect(source.kind).toBe('google_api');
    expect(await allRows(await source.open())).toEqual([
      ['Name', 'Email'],
      ['Ada', 'ada@example.com'],
    ]);
  });

  it('uses the export for published links even with a key configured', async () => {
    const link = parseSheetLink(`https://docs.google.com/spreadsheets/d/e/${PUB}/pub?output=csv`);
    const source = createSource(link, testConfig(fake, { credentialsFile: keyFile }));
    expect(source.kind).toBe('google_export');
    expect(await csvText(await source.open())).toBe(CSV);
  });

  it('applies the allow-list from the config to CSV URLs', async () => {
    const lookup: LookupFunction = (_hostname, options, callback) =>
      options.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4);
    const viaName = parseSheetLink(`http://sheets.internal:${new URL(fake.baseUrl).port}/leads.csv`);
    await rejection(createSource(viaName, testConfig(fake), { lookup }).open(), 'SOURCE_FORBIDDEN');
    const allowed = createSource(viaName, testConfig(fake, { allowHosts: ['sheets.internal'] }), { lookup });
    expect(allowed.kind).toBe('csv_url');
    expect(await csvText(await allowed.open())).toBe(CSV);
  });

  it('does not extend the trust in the Google base to a CSV URL on the same origin', async () => {
    const sameOrigin = parseSheetLink(`${fake.baseUrl}/leads.csv`);
    await rejection(createSource(sameOrigin, testConfig(fake)).open(), 'SOURCE_FORBIDDEN');
    expect(fake.requests).toHaveLength(0);
  });

  it('reads local files', async () => {
    const source = createSource(
      parseSheetLink(join(dir, 'leads.csv'), { allowFiles: true }),
      testConfig(fake),
    );
    expect(source.kind).toBe('file');
    expect(await csvText(await source.open())).toBe(CSV);
  });
});
