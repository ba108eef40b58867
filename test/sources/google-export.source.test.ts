import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GoogleExportSource } from '../../src/sources/google-export.source.js';
import { parseSheetLink } from '../../src/sources/sheet-link.js';
import { createUrlGuard } from '../../src/sources/ssrf.js';
import { startFakeGoogle, type FakeGoogle } from '../fake-google/server.js';
import { csvText, leadsCsv, rejection, SHEET_ID } from './support.js';

const PUB = '2PACX-1vQfakePublishedSheetId_0123456789abcdefghijklmnopqrstuvwxyz';
const LEADS = 'Name,Email\nAda,ada@example.com\nGrace,grace@example.com\n';
const ARCHIVE = 'Name,Email\nOld,old@example.com\n';

let fake: FakeGoogle;
beforeAll(async () => {
  fake = await startFakeGoogle();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.clearFaults();
  fake.requests.length = 0;
  fake.setSheet(SHEET_ID, [
    { gid: '0', title: 'Leads', csv: LEADS },
    { gid: '777', title: 'Archive', csv: ARCHIVE },
  ]);
});

/** The source for what a user pasted; the fake stands for the configured Google base. */
function sourceFor(pasted: string, options: { timeoutMs?: number; maxBytes?: number } = {}) {
  const link = parseSheetLink(pasted);
  if (link.kind !== 'google' && link.kind !== 'google_published')
    throw new Error(`not a Google link: ${pasted}`);
  return new GoogleExportSource(link, {
    baseUrl: fake.baseUrl,
    // The base is trusted configuration; nothing else is allow-listed.
    guard: createUrlGuard({ allowHosts: [], trustedOrigins: [fake.baseUrl] }),
    timeoutMs: options.timeoutMs ?? 2000,
    maxBytes: options.maxBytes ?? 1024 * 1024,
  });
}

const editLink = (gid?: string) =>
  `https://docs.google.com/spreadsheets/d/${SHEET_ID}/edit${gid === undefined ? '' : `#gid=${gid}`}`;

describe('GoogleExportSource', () => {
  it('downloads the tab named by the link from the configured base, whatever host was pasted', async () => {
    const body = await sourceFor(editLink('777')).open();
    expect(await csvText(body)).toBe(ARCHIVE);
    expect(fake.requests.map((r) => r.path)).toEqual([
      `/spreadsheets/d/${SHEET_ID}/export?format=csv&gid=777`,
    ]);
  });

  it('asks for no gid when the link names no tab, and gets the first tab', async () => {
    const body = await sourceFor(SHEET_ID).open();
    expect(await csvText(body)).toBe(LEADS);
    expect(fake.requests[0]?.path).toBe(`/spreadsheets/d/${SHEET_ID}/export?format=csv`);
  });

  it('streams a chunked answer without a length, and reports Content-Length when sent', async () => {
    const chunked = await sourceFor(editLink('0')).open();
    expect(chunked).toMatchObject({ kind: 'csv', contentLength: null });
    await csvText(chunked);
    fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv: LEADS }], { contentLength: true });
    const sized = await sourceFor(editLink('0')).open();
    expect(sized).toMatchObject({ kind: 'csv', contentLength: Buffer.byteLength(LEADS) });
    expect(await csvText(sized)).toBe(LEADS);
  });

  it('fails with SHEET_TAB_NOT_FOUND for a missing tab and never tries another tab', async () => {
    await rejection(sourceFor(editLink('12345')).open(), 'SHEET_TAB_NOT_FOUND');
    expect(fake.requests.map((r) => r.path)).toEqual([
      `/spreadsheets/d/${SHEET_ID}/export?format=csv&gid=12345`,
    ]);
  });

  it('fails with SHEET_NOT_FOUND for an unknown spreadsheet', async () => {
    const other = 'x'.repeat(44);
    await rejection(sourceFor(other).open(), 'SHEET_NOT_FOUND');
  });

  it('fails with SHEET_NOT_PUBLIC for a private sheet, without following the sign-in redirect', async () => {
    fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv: LEADS }], { private: true });
    await rejection(sourceFor(editLink('0')).open(), 'SHEET_NOT_PUBLIC');
    expect(fake.requests.map((r) => r.path.split('?')[0])).toEqual([`/spreadsheets/d/${SHEET_ID}/export`]);
  });

  it('fails with SHEET_NOT_PUBLIC when redirected to sign-in', async () => {
    fake.fault(SHEET_ID, { redirectToSignIn: true }, { times: 1 });
    await rejection(sourceFor(editLink('0')).open(), 'SHEET_NOT_PUBLIC');
    expect(fake.requests).toHaveLength(1);
  });

  it('never parses a sign-in page served as 200 as CSV', async () => {
    fake.fault(SHEET_ID, { htmlSignInPage: true });
    await rejection(sourceFor(editLink('0')).open(), 'SHEET_NOT_PUBLIC');
  });

  it.each([500, 502, 503] as const)('fails with retryable SHEET_UNAVAILABLE on %i', async (status) => {
    fake.fault(SHEET_ID, { status }, { times: 1 });
    const error = await rejection(sourceFor(editLink('0')).open(), 'SHEET_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    // The fault was for one request: the next attempt (the engine's retry) succeeds.
    expect(await csvText(await sourceFor(editLink('0')).open())).toBe(LEADS);
  });

  it('carries Retry-After on 429 and 503', async () => {
    fake.fault(SHEET_ID, { status: 429, retryAfter: '2' }, { times: 1 });
    const limited = await rejection(sourceFor(editLink('0')).open(), 'SHEET_RATE_LIMITED');
    expect(limited.retryAfterSeconds).toBe(2);
    fake.fault(SHEET_ID, { status: 503, retryAfter: '17' }, { times: 1 });
    const unavailable = await rejection(sourceFor(editLink('0')).open(), 'SHEET_UNAVAILABLE');
    expect(unavailable.retryAfterSeconds).toBe(17);
  });

  it('fails with SHEET_TRUNCATED when the body is cut off, with or without Content-Length', async () => {
    const csv = leadsCsv(2000);
    for (const contentLength of [false, true]) {
      fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv }], { contentLength });
      fake.fault(SHEET_ID, { resetAfterBytes: 30_000 }, { times: 1 });
      const body = await sourceFor(editLink('0')).open();
      const error = await rejection(csvText(body), 'SHEET_TRUNCATED');
      expect(error.retryable).toBe(true);
    }
  });

  it('fails with SHEET_TRUNCATED from open() when the cut comes before the first bytes were sniffed', async () => {
    fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv: leadsCsv(2000) }]);
    fake.fault(SHEET_ID, { resetAfterBytes: 100 }, { times: 1 });
    await rejection(
      sourceFor(editLink('0'))
        .open()
        .then((body) => csvText(body)),
      'SHEET_TRUNCATED',
    );
  });

  it('fails with SHEET_TIMEOUT when the body stalls', async () => {
    fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv: leadsCsv(2000) }]);
    fake.fault(SHEET_ID, { stallAfterBytes: 10_000 }, { times: 1 });
    const body = await sourceFor(editLink('0'), { timeoutMs: 150 }).open();
    await rejection(csvText(body), 'SHEET_TIMEOUT');
  });

  it('loses no byte to the HTML sniffing, even in tiny slow chunks', async () => {
    const csv = leadsCsv(200);
    fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv }]);
    fake.fault(SHEET_ID, { slowBody: { chunkBytes: 333, delayMs: 1 } }, { times: 1 });
    expect(await csvText(await sourceFor(editLink('0')).open())).toBe(csv);
  });

  it('fails with SHEET_NOT_CSV when the answer is some other web page', async () => {
    fake.setSheet(SHEET_ID, [
      { gid: '0', title: 'Leads', csv: '<!DOCTYPE html><html><body>Maintenance</body></html>' },
    ]);
    await rejection(sourceFor(editLink('0')).open(), 'SHEET_NOT_CSV');
  });

  it('fails with SHEET_TOO_LARGE beyond the configured size', async () => {
    fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv: leadsCsv(2000) }], { contentLength: true });
    await rejection(sourceFor(editLink('0'), { maxBytes: 10_000 }).open(), 'SHEET_TOO_LARGE');
    fake.setSheet(SHEET_ID, [{ gid: '0', title: 'Leads', csv: leadsCsv(2000) }]);
    const body = await sourceFor(editLink('0'), { maxBytes: 10_000 }).open();
    await rejection(csvText(body), 'SHEET_TOO_LARGE');
  });

  it('downloads published links from /d/e/…/pub', async () => {
    fake.setPublished(PUB, [
      { gid: '0', title: 'Leads', csv: LEADS },
      { gid: '9', title: 'Other', csv: ARCHIVE },
    ]);
    const pasted = `https://docs.google.com/spreadsheets/d/e/${PUB}/pubhtml?gid=9&single=true`;
    expect(await csvText(await sourceFor(pasted).open())).toBe(ARCHIVE);
    expect(fake.requests[0]?.path).toBe(`/spreadsheets/d/e/${PUB}/pub?output=csv&single=true&gid=9`);
    await rejection(
      sourceFor(`https://docs.google.com/spreadsheets/d/e/${PUB}/pub?gid=4`).open(),
      'SHEET_TAB_NOT_FOUND',
    );
  });

  it('describes itself without secrets', () => {
    expect(sourceFor(editLink('777')).describe()).toBe(`Google Sheet ${SHEET_ID} (gid 777) via CSV export`);
    expect(sourceFor(SHEET_ID).describe()).toContain('first tab');
  });
});
