import { describe, expect, it } from 'vitest';
import {
  detectHtml,
  errorForStatus,
  isSignInUrl,
  parseRetryAfter,
  type Endpoint,
} from '../../src/sources/google-errors.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('errorForStatus', () => {
  const cases: [number, Endpoint, boolean, string][] = [
    [400, 'export', false, 'SHEET_BAD_REQUEST'],
    [400, 'export', true, 'SHEET_TAB_NOT_FOUND'],
    [400, 'api', true, 'SHEET_BAD_REQUEST'],
    [401, 'export', false, 'SHEET_NOT_PUBLIC'],
    [403, 'export', false, 'SHEET_NOT_PUBLIC'],
    [401, 'api', false, 'SHEET_AUTH_FAILED'],
    [403, 'api', false, 'SHEET_AUTH_FAILED'],
    [403, 'csv_url', false, 'SHEET_NOT_PUBLIC'],
    [404, 'export', false, 'SHEET_NOT_FOUND'],
    [404, 'api', false, 'SHEET_NOT_FOUND'],
    [410, 'csv_url', false, 'SHEET_NOT_FOUND'],
    [408, 'csv_url', false, 'SHEET_TIMEOUT'],
    [429, 'export', false, 'SHEET_RATE_LIMITED'],
    [429, 'api', false, 'SHEET_RATE_LIMITED'],
    [500, 'export', false, 'SHEET_UNAVAILABLE'],
    [502, 'api', false, 'SHEET_UNAVAILABLE'],
    [503, 'csv_url', false, 'SHEET_UNAVAILABLE'],
    [504, 'export', false, 'SHEET_UNAVAILABLE'],
    [418, 'export', false, 'SHEET_BAD_REQUEST'],
    [204, 'csv_url', false, 'SHEET_BAD_REQUEST'],
    [304, 'csv_url', false, 'SHEET_BAD_REQUEST'],
  ];
  it.each(cases)('maps %i from the %s (gid requested: %s) to %s', (status, endpoint, gidRequested, code) => {
    expect(errorForStatus(status, {}, { endpoint, gidRequested })?.code).toBe(code);
  });

  it('returns null for 200', () => {
    expect(errorForStatus(200, {}, { endpoint: 'export' })).toBeNull();
  });

  it('marks rate limits and server errors retryable, the rest not', () => {
    expect(errorForStatus(429, {}, { endpoint: 'export' })?.retryable).toBe(true);
    expect(errorForStatus(503, {}, { endpoint: 'export' })?.retryable).toBe(true);
    expect(errorForStatus(404, {}, { endpoint: 'export' })?.retryable).toBe(false);
    expect(errorForStatus(403, {}, { endpoint: 'api' })?.retryable).toBe(false);
  });

  it('carries Retry-After on 429 and 503, in seconds or as an HTTP date', () => {
    expect(errorForStatus(429, { 'retry-after': '2' }, { endpoint: 'export' })?.retryAfterSeconds).toBe(2);
    const at = new Date(NOW + 30_000).toUTCString();
    const error = errorForStatus(503, { 'retry-after': at }, { endpoint: 'api', now: () => NOW });
    expect(error?.retryAfterSeconds).toBe(30);
    expect(errorForStatus(429, {}, { endpoint: 'export' })?.retryAfterSeconds).toBeUndefined();
  });

  it('names the service account to share with when the API refuses access', () => {
    const error = errorForStatus(403, {}, { endpoint: 'api', clientEmail: 'sync@p.iam.gserviceaccount.com' });
    expect(error?.message).toContain('sync@p.iam.gserviceaccount.com');
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['120', 120],
    [' 7 ', 7],
    [new Date(NOW + 90_000).toUTCString(), 90],
    ['Sunday, 01-Mar-26 12:00:10 GMT', 10],
    [new Date(NOW - 60_000).toUTCString(), 0],
  ])('reads %j as %i seconds', (value, seconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(seconds);
  });

  it.each([undefined, '', 'soon', '-5', '1.5'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('isSignInUrl', () => {
  it.each([
    'https://accounts.google.com/ServiceLogin?continue=x',
    'https://accounts.google.com/v3/signin/identifier?continue=x',
    'https://accounts.example.org/anything',
    'http://127.0.0.1:5000/accounts/ServiceLogin?continue=x',
    'https://docs.google.com/v3/signin/identifier',
    'https://sso.example.com/InteractiveLogin',
  ])('recognises %s', (url) => {
    expect(isSignInUrl(new URL(url))).toBe(true);
  });

  it.each([
    'https://doc-0s-5c-sheets.googleusercontent.com/export/abc',
    'https://docs.google.com/spreadsheets/d/x/export?format=csv',
    'https://example.com/signing-leads.csv',
  ])('lets %s through', (url) => {
    expect(isSignInUrl(new URL(url))).toBe(false);
  });
});

describe('detectHtml', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('finds nothing in CSV, even CSV that mentions html', () => {
    expect(detectHtml(bytes('Name,Notes\nAda,"<html> in a cell"\n'), 'text/csv')).toBeNull();
    expect(detectHtml(bytes(''), undefined)).toBeNull();
  });

  it('sees a page by its content type or its first bytes', () => {
    expect(detectHtml(bytes('a,b\n'), 'text/html; charset=utf-8')).toBe('html');
    expect(detectHtml(bytes('\uFEFF  \n<!DOCTYPE html><html><body>Oops</body></html>'), 'text/csv')).toBe(
      'html',
    );
    expect(detectHtml(bytes('<HTML><body>x</body></HTML>'), undefined)).toBe('html');
  });

  it('sees a page starting <head> or <!-- served as text/plain, after a BOM and white space', () => {
    for (const page of ['<head><title>x</title></head>', '\uFEFF\r\n <HEAD>', '<head', '<!-- hi -->a,b']) {
      expect(detectHtml(bytes(page), 'text/plain')).toBe('html');
    }
    expect(detectHtml(bytes('<header>,<headline>\n1,2\n'), 'text/plain')).toBeNull();
    expect(detectHtml(bytes('<!-x,b\n'), 'text/plain')).toBeNull();
  });

  it('tells a Google sign-in page from other pages', () => {
    const signIn =
      '<!doctype html><html><head><base href="https://accounts.google.com/v3/signin/"></head></html>';
    expect(detectHtml(bytes(signIn), 'text/html')).toBe('sign_in');
    expect(detectHtml(bytes('<html><title>Sign in - Google Accounts</title></html>'), undefined)).toBe(
      'sign_in',
    );
    expect(detectHtml(bytes('<html><title>Page Not Found</title></html>'), undefined)).toBe('html');
  });
});
