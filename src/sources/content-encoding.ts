import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LeadsyncError, isLeadsyncError } from '../errors.js';

/** What sheet downloads ask for: gzip cuts Google's transfer time several-fold on CSV. */
export const ACCEPT_ENCODING = 'gzip';

export type ContentEncoding = 'identity' | 'gzip';

/**
 * The response's Content-Encoding, as far as we can read it: none (or `identity`) or gzip.
 * Anything else (br, deflate, compress, stacked codings) fails with SHEET_ENCODING_UNSUPPORTED:
 * parsing those bytes as CSV once let a compressed body sync as binary "leads".
 */
export function contentEncodingOf(headers: IncomingHttpHeaders, url: URL): ContentEncoding {
  const raw = headers['content-encoding'] ?? '';
  const codings = raw
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return 'identity';
  if (codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip')) return 'gzip';
  return unsupported(raw, url);
}

function unsupported(raw: string, url: URL): never {
  const shown = raw.slice(0, 100);
  throw new LeadsyncError(
    'SHEET_ENCODING_UNSUPPORTED',
    `${url.host} answered with Content-Encoding "${shown}"; only gzip can be read`,
    { details: { host: url.host, contentEncoding: shown } },
  );
}

/**
 * Decompresses a gzip body as it streams. zlib honours back-pressure, so a gzip bomb inflates
 * only as fast as it is read, and the caller's byte limit (on the decoded bytes) stops it. A
 * gzip stream that ends early is SHEET_TRUNCATED (retryable, like any cut-off body), one that is
 * not gzip SHEET_ENCODING_INVALID; the body's own errors (timeouts, truncation) pass unchanged.
 */
export async function* gunzipBody(chunks: AsyncIterable<Uint8Array>, url: URL): AsyncGenerator<Uint8Array> {
  const source = Readable.from(chunks, { objectMode: false });
  const inflater = createGunzip();
  source.once('error', (error) => inflater.destroy(error));
  source.pipe(inflater);
  let decoded = 0;
  try {
    for await (const piece of inflater as AsyncIterable<Buffer>) {
      decoded += piece.length;
      yield piece;
    }
  } catch (error) {
    if (isLeadsyncError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR') {
      throw new LeadsyncError(
        'SHEET_TRUNCATED',
        `The gzip download from ${url.host} was cut off after ${decoded} decoded bytes`,
        { cause: error, details: { decodedBytes: decoded } },
      );
    }
    throw new LeadsyncError('SHEET_ENCODING_INVALID', undefined, {
      cause: error,
      details: { host: url.host, zlibError: code ?? null },
    });
  } finally {
    inflater.destroy();
    source.destroy();
  }
}
