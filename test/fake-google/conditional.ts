import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Conditional } from './state.js';

/**
 * Validators and conditional answers as an HTTP server gives them: a strong ETag (the body's
 * SHA-1) and/or Last-Modified (whole seconds, as HTTP dates are). A request whose
 * If-None-Match names the ETag, or (without If-None-Match) whose If-Modified-Since is not
 * before Last-Modified, gets an empty 304. Returns the headers to send with a 200 otherwise.
 */
export function answerConditional(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  modifiedAt: number,
  mode: Conditional | null,
): Record<string, string> | null {
  if (mode === null) return {};
  const headers: Record<string, string> = {};
  const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
  const lastModified = new Date(Math.floor(modifiedAt / 1000) * 1000).toUTCString();
  if (mode !== 'last-modified') headers.etag = etag;
  if (mode !== 'etag') headers['last-modified'] = lastModified;
  const ifNoneMatch = req.headers['if-none-match'];
  const ifModifiedSince = req.headers['if-modified-since'];
  const notModified =
    ifNoneMatch !== undefined && headers.etag !== undefined
      ? ifNoneMatch.split(',').some((tag) => tag.trim() === etag)
      : ifModifiedSince !== undefined &&
        headers['last-modified'] !== undefined &&
        Date.parse(ifModifiedSince) >= Date.parse(lastModified);
  if (!notModified) return headers;
  res.writeHead(304, headers).end();
  return null;
}
