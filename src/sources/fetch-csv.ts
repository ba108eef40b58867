import type { IncomingHttpHeaders } from 'node:http';
import { LeadsyncError } from '../errors.js';
import { limitBytes, peekBody, tooLarge } from './body-stream.js';
import { ACCEPT_ENCODING, contentEncodingOf, gunzipBody, type ContentEncoding } from './content-encoding.js';
import { startDeadline, untilDone } from './download-deadline.js';
import { detectHtml, errorForStatus, htmlError, isSignInUrl, type Endpoint } from './google-errors.js';
import { httpGet } from './http-get.js';
import type { UrlGuard } from './ssrf.js';
import type { SheetBody, Validators } from './types.js';

/** Bytes looked at before handing the body over: enough for a doctype and a sign-in page's head. */
const SNIFF_BYTES = 4096;

export interface FetchCsvOptions {
  endpoint: Endpoint;
  guard: UrlGuard;
  timeoutMs: number;
  /** Applies to the decoded bytes, so a gzip bomb stops there too. */
  maxBytes: number;
  /** Whole-download deadline, request to last byte (SHEET_DOWNLOAD_TIMEOUT). */
  deadlineMs: number;
  /** Slowest accepted rate over each timeoutMs of waiting (SHEET_DOWNLOAD_TOO_SLOW); 0 = off. */
  minBytesPerSecond: number;
  /** The request named a tab (so a 400 from the export means "no such tab"). */
  gidRequested?: boolean;
  signal?: AbortSignal | undefined;
  /** Sent as If-None-Match / If-Modified-Since; a 304 then answers `not_modified`. */
  ifChanged?: Validators | undefined;
  now?: () => number;
}

/**
 * Downloads CSV over HTTP and makes sure the answer is the sheet before the engine sees a byte:
 * the URL and every redirect pass the SSRF guard, a redirect to a sign-in page is refused
 * (SHEET_NOT_PUBLIC), non-200 answers become their error code, gzip is undone (other encodings
 * are refused), and a 200 that is a web page is SHEET_NOT_CSV or SHEET_NOT_PUBLIC. The whole
 * download runs against a deadline. Never falls back to another URL or tab.
 */
export async function fetchCsv(
  url: URL,
  options: FetchCsvOptions,
): Promise<Extract<SheetBody, { kind: 'csv' | 'not_modified' }>> {
  const { guard, endpoint } = options;
  guard.check(url);
  const deadline = startDeadline(options.deadlineMs, url.host, options.signal);
  try {
    const res = await httpGet(url, {
      headers: {
        accept: 'text/csv, text/plain;q=0.9, */*;q=0.1',
        'accept-encoding': ACCEPT_ENCODING,
        ...conditionalHeaders(options.ifChanged),
      },
      timeoutMs: options.timeoutMs,
      minBytesPerSecond: options.minBytesPerSecond,
      signal: deadline.signal,
      lookupFor: (target) => guard.lookupFor(target),
      onRedirect: (target) => {
        if (isSignInUrl(target)) {
          throw new LeadsyncError('SHEET_NOT_PUBLIC', undefined, { details: { redirectedTo: target.host } });
        }
        guard.check(target);
      },
    });
    if (res.status === 304 && options.ifChanged) {
      res.discard();
      deadline.clear();
      return { kind: 'not_modified' };
    }
    const failure = errorForStatus(res.status, res.headers, {
      endpoint,
      gidRequested: options.gidRequested ?? false,
      ...(options.now ? { now: options.now } : {}),
    });
    if (failure) {
      res.discard();
      throw failure;
    }
    let encoding: ContentEncoding;
    try {
      encoding = contentEncodingOf(res.headers, res.url);
    } catch (error) {
      res.discard();
      throw error;
    }
    if (encoding === 'identity' && res.contentLength !== null && res.contentLength > options.maxBytes) {
      res.discard();
      throw tooLarge(options.maxBytes, res.contentLength);
    }
    let received = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of res.body) {
        received += chunk.length;
        yield chunk;
      }
    }
    const decoded = encoding === 'gzip' ? gunzipBody(counted(), res.url) : counted();
    // The peek holds at most one decoded piece (16 KiB); the limit applies to what follows.
    const peeked = await peekBody(decoded, SNIFF_BYTES);
    const verdict = detectHtml(peeked.head, res.headers['content-type']);
    if (verdict) {
      await peeked.close();
      throw htmlError(verdict, res.url, endpoint);
    }
    const totalBytes = res.contentLength;
    return {
      kind: 'csv',
      chunks: untilDone(limitBytes(peeked.chunks, options.maxBytes), deadline),
      contentLength: encoding === 'identity' ? res.contentLength : null,
      transfer: {
        get receivedBytes() {
          return received;
        },
        totalBytes,
      },
      validators: validatorsOf(res.headers),
    };
  } catch (error) {
    deadline.clear();
    throw error;
  }
}

function conditionalHeaders(validators: Validators | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

/** A weak or strong ETag as sent, and Last-Modified when it is a date. */
function validatorsOf(headers: IncomingHttpHeaders): Validators {
  const etag = typeof headers.etag === 'string' && headers.etag !== '' ? headers.etag : null;
  const modified = headers['last-modified'];
  const lastModified =
    typeof modified === 'string' && Number.isFinite(Date.parse(modified)) ? modified : null;
  return { etag, lastModified };
}
