import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GoogleApiSource } from '../../src/sources/google-api.source.js';
import {
  createServiceAccountAuth,
  type ServiceAccountKey,
  type TokenCache,
} from '../../src/sources/service-account-auth.js';
import { createUrlGuard } from '../../src/sources/ssrf.js';
import { startFakeGoogle, type FakeGoogle } from '../fake-google/server.js';
import { allRows, rejection, SHEET_ID } from './support.js';

let fake: FakeGoogle;
let key: ServiceAccountKey;
let clock: number;
let cache: TokenCache;
beforeAll(async () => {
  // The fake and the client share one clock, so token expiry can be tested without waiting.
  fake = await startFakeGoogle({ now: () => clock });
  key = await fake.generateServiceAccountKey({
    clientEmail: 'leadsync@test-project.iam.gserviceaccount.com',
  });
});
afterAll(() => fake.close());
beforeEach(() => {
  clock = Date.now();
  cache = new Map();
  fake.clearFaults();
  fake.requests.length = 0;
  fake.setSheet(
    SHEET_ID,
    [
      {
        gid: '0',
        title: 'Leads',
        csv: 'Name,Email,Notes\nAda,ada@example.com,\n"Grace, Hopper",grace@example.com,"a ""quote"""\n\n',
      },
      { gid: '1637', title: "Q1 '25 leads", csv: 'Name\nLinus\n' },
    ],
    { private: true, sharedWith: [key.client_email] },
  );
});

function authFor(k: ServiceAccountKey | string = key) {
  return createServiceAccountAuth(k, { now: () => clock, cache, timeoutMs: 2000 });
}

function source(gid: string | null, auth = authFor(), spreadsheetId = SHEET_ID) {
  return new GoogleApiSource(
    { kind: 'google', spreadsheetId, gid },
    {
      apiBaseUrl: fake.apiBaseUrl,
      auth,
      guard: createUrlGuard({ allowHosts: [], trustedOrigins: [fake.apiBaseUrl] }),
      timeoutMs: 2000,
      maxBytes: 1024 * 1024,
    },
  );
}

const paths = () => fake.requests.map((r) => `${r.method} ${decodeURIComponent(r.path.split('?')[0] ?? '')}`);

describe('GoogleApiSource', () => {
  it('reads the first tab when the link names none, as strings, nothing padded', async () => {
    const body = await source(null).open();
    expect(await allRows(body)).toEqual([
      ['Name', 'Email', 'Notes'],
      ['Ada', 'ada@example.com'],
      ['Grace, Hopper', 'grace@example.com', 'a "quote"'],
    ]);
    expect(paths()).toEqual([
      'POST /token',
      `GET /v4/spreadsheets/${SHEET_ID}`,
      `GET /v4/spreadsheets/${SHEET_ID}/values/'Leads'`,
    ]);
  });

  it('maps the gid to its tab title, quoting it for the range', async () => {
    expect(await allRows(await source('1637').open())).toEqual([['Name'], ['Linus']]);
    expect(paths().at(-1)).toBe(`GET /v4/spreadsheets/${SHEET_ID}/values/'Q1 ''25 leads'`);
    const values = fake.requests.at(-1)?.path ?? '';
    expect(values).toContain('valueRenderOption=FORMATTED_VALUE');
    expect(values).toContain('majorDimension=ROWS');
  });

  it('fails with SHEET_TAB_NOT_FOUND for a gid that is not there, and reads no other tab', async () => {
    const error = await rejection(source('999').open(), 'SHEET_TAB_NOT_FOUND');
    expect(error.details).toMatchObject({ gid: '999', tabs: ['0', '1637'] });
    expect(paths().filter((p) => p.includes('/values/'))).toEqual([]);
  });

  it('fails with SHEET_AUTH_FAILED naming the account when the sheet is not shared with it', async () => {
    fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv: 'a\n' }], { private: true });
    const error = await rejection(source(null).open(), 'SHEET_AUTH_FAILED');
    expect(error.message).toContain(key.client_email);
  });

  it('reads a link-shared sheet without it being shared with the account', async () => {
    fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv: 'a\n1\n' }]);
    expect(await allRows(await source(null).open())).toEqual([['a'], ['1']]);
  });

  it('fails with SHEET_NOT_FOUND for an unknown spreadsheet', async () => {
    await rejection(source(null, authFor(), 'y'.repeat(44)).open(), 'SHEET_NOT_FOUND');
  });

  it('renews a token the API no longer accepts, once', async () => {
    const auth = authFor();
    await source(null, auth).open();
    fake.revokeTokens();
    expect(await allRows(await source(null, auth).open())).toHaveLength(3);
    expect(fake.requests.filter((r) => r.path === '/token')).toHaveLength(2);
  });

  it('fails with SHEET_AUTH_FAILED when even a fresh token is refused', async () => {
    const auth = authFor();
    await auth.getAccessToken();
    const refusing = { ...auth, getAccessToken: async () => 'ya29.never-issued' };
    await rejection(source(null, refusing).open(), 'SHEET_AUTH_FAILED');
  });

  it('carries Retry-After when the API rate limits', async () => {
    fake.fault(SHEET_ID, { status: 429, retryAfter: '2' }, { times: 1 });
    const error = await rejection(source(null).open(), 'SHEET_RATE_LIMITED');
    expect(error.retryAfterSeconds).toBe(2);
  });

  it('fails with SHEET_TRUNCATED when the values are cut off', async () => {
    fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv: 'a,b\n'.repeat(5000) }]);
    fake.fault(`${SHEET_ID}/values`, { resetAfterBytes: 2000 }, { times: 1 });
    await rejection(source(null).open(), 'SHEET_TRUNCATED');
    expect(paths().at(-1)).toBe(`GET /v4/spreadsheets/${SHEET_ID}/values/'Leads'`);
  });

  it('yields rows in batches', async () => {
    const csv = Array.from({ length: 2500 }, (_, i) => `row ${i}`).join('\n');
    fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv }]);
    const body = await source(null).open();
    if (body.kind !== 'rows') throw new Error('expected rows');
    const sizes: number[] = [];
    for await (const batch of body.rows) sizes.push(batch.length);
    expect(sizes).toEqual([1000, 1000, 500]);
  });
});
