import type { IncomingHttpHeaders } from 'node:http';
import { LeadsyncError } from '../errors.js';

/**
 * Who answered: the CSV export (docs.google.com, also published links), the Sheets API, or a
 * plain CSV URL. The same status means different things on each: 403 from the export is "not
 * shared", from the API "the service account has no access".
 */
export type Endpoint = 'export' | 'api' | 'csv_url';

export interface StatusContext {
  endpoint: Endpoint;
  /** The request named a tab: the export answers a missing tab with 400. */
  gidRequested?: boolean;
  /** Service account, to tell the user whom to share the sheet with. */
  clientEmail?: string;
  /** For HTTP-date Retry-After values. Default Date.now. */
  now?: () => number;
}

/** The error for a non-200 answer, or null for 200. */
export function errorForStatus(
  status: number,
  headers: IncomingHttpHeaders,
  context: StatusContext,
): LeadsyncError | null {
  if (status === 200) return null;
  const details = { status, endpoint: context.endpoint };
  const retryAfterSeconds = parseRetryAfter(headers['retry-after'], (context.now ?? Date.now)());
  if (status === 429) {
    return new LeadsyncError('SHEET_RATE_LIMITED', undefined, { details, retryAfterSeconds });
  }
  if (status >= 500) return new LeadsyncError('SHEET_UNAVAILABLE', undefined, { details, retryAfterSeconds });
  if (status === 408) return new LeadsyncError('SHEET_TIMEOUT', undefined, { details });
  if (status === 401 || status === 403) {
    if (context.endpoint === 'api') {
      const who = context.clientEmail ? `; share the sheet with ${context.clientEmail}` : '';
      return new LeadsyncError('SHEET_AUTH_FAILED', `${ERRORS_API[status]} (HTTP ${status})${who}`, {
        details,
      });
    }
    const message =
      context.endpoint === 'export' ? undefined : `The server refused access to the CSV (HTTP ${status})`;
    return new LeadsyncError('SHEET_NOT_PUBLIC', message, { details });
  }
  if (status === 404 || status === 410) return new LeadsyncError('SHEET_NOT_FOUND', undefined, { details });
  if (status === 400 && context.endpoint === 'export' && context.gidRequested) {
    return new LeadsyncError('SHEET_TAB_NOT_FOUND', undefined, { details });
  }
  const message = `Unexpected answer from the ${context.endpoint === 'csv_url' ? 'server' : 'Google'} (HTTP ${status})`;
  return new LeadsyncError('SHEET_BAD_REQUEST', status === 400 ? undefined : message, { details });
}

const ERRORS_API: Record<number, string> = {
  401: 'The service account could not authenticate',
  403: 'The service account has no access to the spreadsheet',
};

/** Seconds to wait from a Retry-After header: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // HTTP dates start with a day name; without this check Date.parse reads "-5" or "1.5" as dates.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/**
 * Google sends a private sheet's export to its sign-in page. We never follow that redirect.
 * Keyed on the path too (`/ServiceLogin`, `/signin`), since a configured base such as the test
 * server is not accounts.google.com.
 */
export function isSignInUrl(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (host === 'accounts.google.com' || host.startsWith('accounts.')) return true;
  return /\/(ServiceLogin|signin|InteractiveLogin)(\/|$)/i.test(url.pathname);
}

const SIGN_IN_MARKERS = [/accounts\.google\.com/i, /ServiceLogin/i, /\/signin\b/i, /\bsign in\b/i];
const DECODER = new TextDecoder('utf-8', { fatal: false });

/**
 * Markup a CSV never starts with. `<head` and `<!--` matter: a page served as text/plain that
 * starts with them once passed as a one-column sheet and, with the mass-delete guard at 100 %,
 * deleted every lead. `<head` must be the whole tag name (a header cell `<header…` is text).
 */
const HTML_START = /^(<!doctype html|<html|<head[\s>/]|<head$|<!--)/;

/**
 * Whether the start of a 200 answer is a web page rather than CSV: 'sign_in' for a Google
 * sign-in page (the sheet is not shared), 'html' for any other page, null for data. Judged on the
 * Content-Type and on the first bytes (case-insensitive, after a BOM and white space), since
 * servers label pages text/plain. The system we replace parsed a sign-in page as CSV, found no
 * leads, and deleted them all.
 */
export function detectHtml(head: Uint8Array, contentType: string | undefined): 'sign_in' | 'html' | null {
  const text = DECODER.decode(head.subarray(0, 4096));
  const start = text
    .replace(/^\uFEFF?\s*/, '')
    .slice(0, 64)
    .toLowerCase();
  const isHtml =
    /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType ?? '') || HTML_START.test(start);
  if (!isHtml) return null;
  return SIGN_IN_MARKERS.some((marker) => marker.test(text)) ? 'sign_in' : 'html';
}

/** The LeadsyncError for detectHtml's verdict. */
export function htmlError(verdict: 'sign_in' | 'html', url: URL, endpoint: Endpoint): LeadsyncError {
  const details = { host: url.host, endpoint };
  if (verdict === 'html') return new LeadsyncError('SHEET_NOT_CSV', undefined, { details });
  const message =
    endpoint === 'csv_url' ? 'The server answered with a sign-in page, not CSV data' : undefined;
  return new LeadsyncError('SHEET_NOT_PUBLIC', message, { details });
}
