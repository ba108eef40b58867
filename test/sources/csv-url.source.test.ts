import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CsvUrlSource } from '../../src/sources/csv-url.source.js';
import { createUrlGuard } from '../../src/sources/ssrf.js';
import { startFakeGoogle, type FakeGoogle } from '../fake-google/server.js';
import { csvText, rejection } from './support.js';

const CSV = 'Name,Email\nAda,ada@example.com\n';

let server: FakeGoogle;
let port: string;
beforeAll(async () => {
  server = await startFakeGoogle();
  port = new URL(server.baseUrl).port;
});
afterAll(() => server.close());
beforeEach(() => {
  server.clearFaults();
  server.requests.length = 0;
  server.setFile('/leads.csv', CSV);
});

/** Resolves every name in `table` (to the given address), as DNS would. */
function resolver(table: Record<string, string>): LookupFunction {
  return (hostname, options, callback) => {
    const address = table[hostname];
    if (address === undefined)
      return callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), '');
    if (options.all) return callback(null, [{ address, family: 4 }]);
    callback(null, address, 4);
  };
}

function source(url: string, allowHosts: string[] = [], lookup?: LookupFunction) {
  return new CsvUrlSource(url, {
    guard: createUrlGuard({ allowHosts, ...(lookup ? { lookup } : {}) }),
    timeoutMs: 2000,
    maxBytes: 1024 * 1024,
  });
}

describe('CsvUrlSource', () => {
  it('downloads from an allow-listed host, over http and to a private address', async () => {
    expect(await csvText(await source(`${server.baseUrl}/leads.csv`, ['127.0.0.1']).open())).toBe(CSV);
  });

  it('refuses http to a host that is not allow-listed, before any request', async () => {
    await rejection(source(`${server.baseUrl}/leads.csv`).open(), 'SOURCE_FORBIDDEN');
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    'https://127.0.0.1/x.csv',
    'https://10.1.2.3/x.csv',
    'https://169.254.169.254/x.csv',
    'https://[::1]/x.csv',
  ])('refuses the private literal %s', async (url) => {
    await rejection(source(url).open(), 'SOURCE_FORBIDDEN');
  });

  it('refuses ::ffff:127.0.0.1 even on the allowed port of another host', async () => {
    await rejection(
      source(`https://[::ffff:127.0.0.1]:${port}/leads.csv`, [`127.0.0.1:${port}`]).open(),
      'SOURCE_FORBIDDEN',
    );
  });

  it('refuses a public-looking name that resolves to 127.0.0.1 (checked on the connection)', async () => {
    const lookup = resolver({ 'leads.example.com': '127.0.0.1' });
    // The name passes the shape check; only the resolved address gives it away.
    const error = await rejection(
      source(`https://leads.example.com:${port}/leads.csv`, [], lookup).open(),
      'SOURCE_FORBIDDEN',
    );
    expect(error.message).toContain('127.0.0.1');
    expect(server.requests).toHaveLength(0);
  });

  it('lets an allow-listed name resolve to a private address', async () => {
    const lookup = resolver({ 'sheets.internal': '127.0.0.1' });
    const body = await source(`http://sheets.internal:${port}/leads.csv`, ['sheets.internal'], lookup).open();
    expect(await csvText(body)).toBe(CSV);
  });

  it('honours the port of a host:port allow-list entry', async () => {
    const lookup = resolver({ 'sheets.internal': '127.0.0.1' });
    const allowed = [`sheets.internal:${Number(port) + 1}`];
    await rejection(
      source(`http://sheets.internal:${port}/leads.csv`, allowed, lookup).open(),
      'SOURCE_FORBIDDEN',
    );
  });

  it('refuses a redirect from an allowed URL to a private one', async () => {
    server.setRedirect('/to-metadata', 'https://169.254.169.254/latest/meta-data/', 302);
    server.setRedirect('/to-http', 'http://leads.example.com/leads.csv', 307);
    await rejection(source(`${server.baseUrl}/to-metadata`, ['127.0.0.1']).open(), 'SOURCE_FORBIDDEN');
    await rejection(source(`${server.baseUrl}/to-http`, ['127.0.0.1']).open(), 'SOURCE_FORBIDDEN');
  });

  it('refuses a redirect to a name that resolves to a private address', async () => {
    const lookup = resolver({ 'internal.example.com': '10.0.0.5' });
    server.setRedirect('/to-internal', 'https://internal.example.com/leads.csv', 302);
    await rejection(
      source(`${server.baseUrl}/to-internal`, ['127.0.0.1'], lookup).open(),
      'SOURCE_FORBIDDEN',
    );
  });

  it('follows a redirect that stays within the rules', async () => {
    server.setRedirect('/moved', '/leads.csv', 301);
    expect(await csvText(await source(`${server.baseUrl}/moved`, ['127.0.0.1']).open())).toBe(CSV);
  });

  it('refuses credentials in the URL', async () => {
    await rejection(
      source(`http://user:pw@127.0.0.1:${port}/leads.csv`, ['127.0.0.1']).open(),
      'SOURCE_FORBIDDEN',
    );
  });

  it('fails with SHEET_NOT_CSV for an HTML answer and SHEET_NOT_PUBLIC for a sign-in page', async () => {
    server.setFile('/page', '<!DOCTYPE html><html><body>Hello</body></html>', { contentType: 'text/html' });
    await rejection(source(`${server.baseUrl}/page`, ['127.0.0.1']).open(), 'SHEET_NOT_CSV');
    server.setRedirect('/private.csv', `${server.baseUrl}/accounts/ServiceLogin?continue=x`, 302);
    await rejection(source(`${server.baseUrl}/private.csv`, ['127.0.0.1']).open(), 'SHEET_NOT_PUBLIC');
  });

  it('maps the server status like the export does', async () => {
    server.setFile('/gone.csv', 'nope', { status: 404 });
    await rejection(source(`${server.baseUrl}/gone.csv`, ['127.0.0.1']).open(), 'SHEET_NOT_FOUND');
    server.fault('/leads.csv', { status: 503, retryAfter: '5' }, { times: 1 });
    const error = await rejection(
      source(`${server.baseUrl}/leads.csv`, ['127.0.0.1']).open(),
      'SHEET_UNAVAILABLE',
    );
    expect(error.retryAfterSeconds).toBe(5);
  });

  it('describes itself without the query string, which may hold a token', () => {
    expect(source('https://files.example.com/export/leads.csv?token=s3cret').describe()).toBe(
      'CSV at https://files.example.com/export/leads.csv',
    );
  });
});
