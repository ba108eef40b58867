import { LeadsyncError } from '../errors.js';
import { limitBytes, peekBody, tooLarge } from './body-stream.js';
import { detectHtml, errorForStatus, htmlError, isSignInUrl, type Endpoint } from './google-errors.js';
import { httpGet } from './http-get.js';
import type { UrlGuard } from './ssrf.js';
import type { SheetBody } from './types.js';

/** Bytes looked at before handing the body over: enough for a doctype and a sign-in page's head. */
const SNIFF_BYTES = 4096;

export interface FetchCsvOptions {
  endpoint: Endpoint;
  guard: UrlGuard;
  timeoutMs: number;
  maxBytes: number;
  /** The request named a tab (so a 400 from the export means "no such tab"). */
  gidRequested?: boolean;
  signal?: AbortSignal | undefined;
  now?: () => number;
}

/**
 * Downloads CSV over HTTP and makes sure the answer is the sheet before the engine sees a byte:
 * the URL and every redirect pass the SSRF guard, a redirect to a sign-in page is refused
 * (SHEET_NOT_PUBLIC), non-200 answers become their error code, and a 200 that is a web page is
 * SHEET_NOT_CSV or SHEET_NOT_PUBLIC. Never falls back to another URL or tab.
 */
export async function fetchCsv(url: URL, options: FetchCsvOptions): Promise<SheetBody & { kind: 'csv' }> {
  const { guard, endpoint } = options;
  guard.check(url);
  const res = await httpGet(url, {
    headers: { accept: 'text/csv, text/plain;q=0.9, */*;q=0.1' },
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    lookupFor: (target) => guard.lookupFor(target),
    onRedirect: (target) => {
      if (isSignInUrl(target)) {
        throw new LeadsyncError('SHEET_NOT_PUBLIC', undefined, { details: { redirectedTo: target.host } });
      }
      guard.check(target);
    },
  });
  const failure = errorForStatus(res.status, res.headers, {
    endpoint,
    gidRequested: options.gidRequested ?? false,
    ...(options.now ? { now: options.now } : {}),
  });
  if (failure) {
    res.discard();
    throw failure;
  }
  if (res.contentLength !== null && res.contentLength > options.maxBytes) {
    res.discard();
    throw tooLarge(options.maxBytes, res.contentLength);
  }
  const peeked = await peekBody(res.body, SNIFF_BYTES);
  const verdict = detectHtml(peeked.head, res.headers['content-type']);
  if (verdict) {
    await peeked.close();
    throw htmlError(verdict, res.url, endpoint);
  }
  return {
    kind: 'csv',
    chunks: limitBytes(peeked.chunks, options.maxBytes),
    contentLength: res.contentLength,
  };
}
