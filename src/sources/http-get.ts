import http, { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { LeadsyncError } from '../errors.js';
import { abortError, readBody } from './response-body.js';

/**
 * The one HTTP client of the sources, on node:http/https rather than global fetch because the
 * SSRF guard needs the `lookup` hook of each connection and we want our own error codes for
 * timeouts, truncation and resets. Bodies are streamed, never buffered.
 */
export interface HttpGetOptions {
  headers?: Record<string, string>;
  /** Deadline for connect + response headers, and the longest silence while the body streams. */
  timeoutMs: number;
  /** Slowest accepted body rate over each `timeoutMs` of waiting (SHEET_DOWNLOAD_TOO_SLOW); 0 or absent = off. */
  minBytesPerSecond?: number;
  signal?: AbortSignal | undefined;
  /** Name resolution for each request URL (the SSRF guard's); default dns.lookup. */
  lookupFor?: (url: URL) => LookupFunction | undefined;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  /** Sees every redirect target before it is followed; throw to refuse it. */
  onRedirect?: (target: URL, from: URL, status: number) => void;
}

export interface HttpRequestOptions extends HttpGetOptions {
  method?: 'GET' | 'POST';
  /** Request body (POST). Redirects are not followed for POST: the response is returned. */
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  url: URL;
  /** From Content-Length, when the server sent one. */
  contentLength: number | null;
  /**
   * The bytes as sent (still compressed if Content-Encoding says so). Fails with SHEET_TRUNCATED
   * (cut off), SHEET_TIMEOUT (idle), SHEET_DOWNLOAD_TOO_SLOW or the abort reason. Single use.
   */
  body: AsyncIterable<Uint8Array>;
  /** Drops the body unread, closing the connection. */
  discard(): void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie'];

export function httpGet(url: string | URL, options: HttpGetOptions): Promise<HttpResponse> {
  return httpRequest(url, { ...options, method: 'GET' });
}

export async function httpRequest(input: string | URL, options: HttpRequestOptions): Promise<HttpResponse> {
  const maxRedirects = options.maxRedirects ?? 5;
  let url = new URL(input);
  let headers: Record<string, string> = { 'user-agent': 'leadsync', ...options.headers };
  for (let hop = 0; ; hop++) {
    const res = await send(url, headers, options);
    const location = res.headers.location;
    if (options.method === 'POST' || !REDIRECTS.has(res.statusCode ?? 0) || !location) {
      return toResponse(url, res, options);
    }
    res.destroy();
    if (hop >= maxRedirects) {
      throw new LeadsyncError('SHEET_BAD_REQUEST', `More than ${maxRedirects} redirects from ${url.host}`, {
        retryable: false,
      });
    }
    const target = new URL(location, url);
    options.onRedirect?.(target, url, res.statusCode ?? 0);
    if (target.origin !== url.origin) headers = withoutOriginBound(headers);
    url = target;
  }
}

function send(
  url: URL,
  headers: Record<string, string>,
  options: HttpRequestOptions,
): Promise<IncomingMessage> {
  const { signal, timeoutMs } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return reject(new LeadsyncError('SOURCE_FORBIDDEN', `The ${url.protocol} scheme cannot be fetched`));
    }
    const transport = url.protocol === 'https:' ? https : http;
    // agent: false = a fresh connection per request, so every connection goes through lookupFor.
    const req: ClientRequest = transport.request(url, {
      method: options.method ?? 'GET',
      headers,
      lookup: options.lookupFor?.(url),
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy(new LeadsyncError('SHEET_TIMEOUT', `${url.host} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = () => req.destroy(abortError(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    req.once('response', (res) => {
      settle();
      // Later failures surface on the response body; keep a late socket error from crashing us.
      req.on('error', () => {});
      resolve(res);
    });
    req.once('error', (error) => {
      settle();
      reject(networkError(error, url, signal));
    });
    req.end(options.body);
  });
}

function toResponse(url: URL, res: IncomingMessage, options: HttpRequestOptions): HttpResponse {
  const header = res.headers['content-length'];
  const contentLength = header !== undefined && /^\d+$/.test(header) ? Number(header) : null;
  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    url,
    contentLength,
    body: readBody(res, {
      url,
      contentLength,
      timeoutMs: options.timeoutMs,
      minBytesPerSecond: options.minBytesPerSecond,
      signal: options.signal,
    }),
    discard: () => res.destroy(),
  };
}

function networkError(error: Error, url: URL, signal: AbortSignal | undefined): LeadsyncError {
  if (signal?.aborted) return abortError(signal);
  if (error instanceof LeadsyncError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  // A bad certificate will not fix itself between retries; a refused or reset connection may.
  const tls = code !== undefined && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code);
  return new LeadsyncError('SHEET_UNAVAILABLE', `Could not reach ${url.host}: ${code ?? error.message}`, {
    cause: error,
    retryable: !tls,
    details: { host: url.host, networkError: code ?? null },
  });
}

function withoutOriginBound(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !ORIGIN_BOUND_HEADERS.includes(name.toLowerCase())),
  );
}
