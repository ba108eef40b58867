import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LeadsyncError } from '../../src/errors.js';
import { checkUrlShape, createGuardedLookup, createUrlGuard, isAllowListed } from '../../src/sources/ssrf.js';
import { rejection } from './support.js';

describe('checkUrlShape', () => {
  const forbidden = [
    'http://example.com/leads.csv',
    'https://127.0.0.1/leads.csv',
    'https://10.0.0.5/leads.csv',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::1]/leads.csv',
    'https://[::ffff:127.0.0.1]/leads.csv',
    'https://[fe80::1]/x',
    'https://0x7f.1/leads.csv',
    'https://2130706433/leads.csv',
    'https://0/leads.csv',
    'https://localhost/leads.csv',
    'https://LOCALHOST./leads.csv',
    'https://api.localhost/leads.csv',
    'https://user:secret@example.com/leads.csv',
    'ftp://example.com/leads.csv',
    'file:///etc/passwd',
  ];
  it.each(forbidden)('refuses %j with SOURCE_FORBIDDEN', async (url) => {
    await rejection(
      Promise.resolve().then(() => checkUrlShape(url, [])),
      'SOURCE_FORBIDDEN',
    );
  });

  it('accepts https to a public name or address without resolving it', () => {
    expect(checkUrlShape('https://example.com/leads.csv', []).href).toBe('https://example.com/leads.csv');
    expect(checkUrlShape('https://8.8.8.8/x.csv', []).hostname).toBe('8.8.8.8');
  });

  it('lets allow-listed hosts use http and private addresses', () => {
    expect(() => checkUrlShape('http://127.0.0.1:8080/x.csv', ['127.0.0.1'])).not.toThrow();
    expect(() => checkUrlShape('http://sheets.internal/x.csv', ['sheets.internal'])).not.toThrow();
    expect(() => checkUrlShape('http://[::1]:9000/x.csv', ['[::1]'])).not.toThrow();
    expect(() => checkUrlShape('http://localhost:3000/x.csv', ['localhost:3000'])).not.toThrow();
  });

  it('still refuses credentials on an allow-listed host', async () => {
    await rejection(
      Promise.resolve().then(() => checkUrlShape('http://u:p@127.0.0.1/x.csv', ['127.0.0.1'])),
      'SOURCE_FORBIDDEN',
    );
  });

  it('rejects an unparsable URL as invalid', async () => {
    await rejection(
      Promise.resolve().then(() => checkUrlShape('not a url', [])),
      'SHEET_URL_INVALID',
    );
  });
});

describe('isAllowListed', () => {
  it('matches a bare host on every port and host:port on that port only', () => {
    const allow = ['sheets.internal', 'localhost:3000', '[::1]:8443', '10.0.0.7'];
    expect(isAllowListed(new URL('http://sheets.internal:1234/'), allow)).toBe(true);
    expect(isAllowListed(new URL('http://SHEETS.internal./'), allow)).toBe(true);
    expect(isAllowListed(new URL('http://localhost:3000/'), allow)).toBe(true);
    expect(isAllowListed(new URL('http://localhost:3001/'), allow)).toBe(false);
    expect(isAllowListed(new URL('https://[::1]:8443/'), allow)).toBe(true);
    expect(isAllowListed(new URL('https://[::1]/'), allow)).toBe(false);
    expect(isAllowListed(new URL('http://10.0.0.7/'), allow)).toBe(true);
    expect(isAllowListed(new URL('http://other.internal/'), allow)).toBe(false);
  });

  it('uses the default port when the URL has none', () => {
    expect(isAllowListed(new URL('https://files.internal/'), ['files.internal:443'])).toBe(true);
    expect(isAllowListed(new URL('http://files.internal/'), ['files.internal:443'])).toBe(false);
  });
});

/** A resolver that answers from a table, the way dns.lookup does (single or `all`). */
function fakeResolver(table: Record<string, string[]>): LookupFunction {
  return (hostname, options, callback) => {
    const addresses: LookupAddress[] = (table[hostname] ?? []).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
    if (addresses.length === 0) {
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return callback(error, '');
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  };
}

function lookupWith(lookup: LookupFunction, hostname: string, all: boolean) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>((resolve) =>
    lookup(hostname, { all }, (error, address) => resolve({ error, address })),
  );
}

describe('createGuardedLookup', () => {
  const resolver = fakeResolver({
    'leads.example.com': ['93.184.216.34'],
    'rebind.example.com': ['127.0.0.1'],
    'mixed.example.com': ['93.184.216.34', '10.0.0.1'],
    'v6.example.com': ['::ffff:169.254.169.254'],
  });
  const guarded = createGuardedLookup(resolver);

  it.each([false, true])('passes public answers through (all: %s)', async (all) => {
    const { error, address } = await lookupWith(guarded, 'leads.example.com', all);
    expect(error).toBeNull();
    expect(all ? address : [address]).toEqual(
      all ? [{ address: '93.184.216.34', family: 4 }] : ['93.184.216.34'],
    );
  });

  it.each([
    ['rebind.example.com', false],
    ['rebind.example.com', true],
    ['mixed.example.com', true],
    ['v6.example.com', false],
  ] as const)('refuses %s when it resolves to a private address (all: %s)', async (hostname, all) => {
    const { error } = await lookupWith(guarded, hostname, all);
    expect(error).toBeInstanceOf(LeadsyncError);
    expect((error as LeadsyncError).code).toBe('SOURCE_FORBIDDEN');
  });

  it('passes resolver errors through unchanged', async () => {
    const { error } = await lookupWith(guarded, 'nowhere.example.com', false);
    expect(error?.code).toBe('ENOTFOUND');
  });
});

describe('createUrlGuard', () => {
  const resolver = fakeResolver({});
  const guard = createUrlGuard({
    allowHosts: ['sheets.internal'],
    trustedOrigins: ['http://127.0.0.1:9999', 'https://docs.google.com'],
    lookup: resolver,
  });

  it('trusts the configured Google origins exactly, scheme and port included', async () => {
    expect(() => guard.check(new URL('http://127.0.0.1:9999/spreadsheets/d/x/export'))).not.toThrow();
    expect(guard.lookupFor(new URL('http://127.0.0.1:9999/'))).toBe(resolver);
    await rejection(
      Promise.resolve().then(() => guard.check(new URL('http://127.0.0.1:9998/'))),
      'SOURCE_FORBIDDEN',
    );
  });

  it('resolves through the guard for ordinary hosts and directly for allow-listed ones', () => {
    expect(guard.lookupFor(new URL('https://example.com/'))).not.toBe(resolver);
    expect(guard.lookupFor(new URL('http://sheets.internal/'))).toBe(resolver);
  });
});
