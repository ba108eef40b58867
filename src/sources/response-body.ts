import type { IncomingMessage } from 'node:http';
import { LeadsyncError, isLeadsyncError } from '../errors.js';

export interface ReadBodyOptions {
  url: URL;
  contentLength: number | null;
  /** Longest silence between two chunks while we are waiting for one. */
  timeoutMs: number;
  /**
   * Slowest accepted rate, judged over each `timeoutMs` of waiting for the server; 0 or absent
   * turns it off. The idle timeout is the limit case of it (nothing at all for that long).
   */
  minBytesPerSecond?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Streams a response body, turning the ways a download goes wrong into codes: no byte for
 * `timeoutMs` → SHEET_TIMEOUT; a reset or a close before the end (chunked terminator missing,
 * fewer bytes than Content-Length) → SHEET_TRUNCATED. The system we replace let a cut-off body
 * "succeed" with fewer rows, and the sync then deleted the missing leads. Fewer than
 * `minBytesPerSecond` over a window of `timeoutMs` spent waiting → SHEET_DOWNLOAD_TOO_SLOW: a
 * trickle of a byte every few seconds never trips the idle timeout. Only time spent waiting for
 * the server counts, so a slow consumer (back-pressure) never makes the server look slow.
 */
export async function* readBody(res: IncomingMessage, options: ReadBodyOptions): AsyncGenerator<Uint8Array> {
  const { url, contentLength, timeoutMs, signal } = options;
  const minRate = options.minBytesPerSecond ?? 0;
  let received = 0;
  let waitedMs = 0;
  let windowBytes = 0;
  let askedAt = performance.now();
  let idle: NodeJS.Timeout | undefined;
  // Armed only while we wait for the server: a slow consumer is not a stalled server.
  const arm = () => {
    idle = setTimeout(() => {
      res.destroy(new LeadsyncError('SHEET_TIMEOUT', `${url.host} sent nothing for ${timeoutMs} ms`));
    }, timeoutMs);
  };
  const onAbort = () => res.destroy(abortError(signal));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) throw abortError(signal);
    arm();
    for await (const chunk of res as AsyncIterable<Buffer>) {
      clearTimeout(idle);
      received += chunk.length;
      if (minRate > 0) {
        waitedMs += performance.now() - askedAt;
        windowBytes += chunk.length;
        if (waitedMs >= timeoutMs) {
          if (windowBytes * 1000 < minRate * waitedMs) throw tooSlow(url, windowBytes, waitedMs, minRate);
          waitedMs = 0;
          windowBytes = 0;
        }
      }
      yield chunk;
      askedAt = performance.now();
      arm();
    }
    clearTimeout(idle);
    if (!res.complete || (contentLength !== null && received < contentLength)) {
      throw truncated(url, received, contentLength);
    }
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    if (isLeadsyncError(error)) throw error;
    throw truncated(url, received, contentLength, error);
  } finally {
    clearTimeout(idle);
    signal?.removeEventListener('abort', onAbort);
    res.destroy();
  }
}

function tooSlow(url: URL, bytes: number, waitedMs: number, minBytesPerSecond: number): LeadsyncError {
  const rate = Math.round((bytes * 1000) / waitedMs);
  return new LeadsyncError(
    'SHEET_DOWNLOAD_TOO_SLOW',
    `${url.host} sent ${bytes} bytes in ${Math.round(waitedMs)} ms (${rate} bytes/s, at least ${minBytesPerSecond} needed)`,
    { details: { host: url.host, bytesPerSecond: rate, minBytesPerSecond } },
  );
}

function truncated(url: URL, received: number, expected: number | null, cause?: unknown): LeadsyncError {
  const of = expected === null ? '' : ` of ${expected}`;
  return new LeadsyncError(
    'SHEET_TRUNCATED',
    `The download from ${url.host} was cut off after ${received}${of} bytes`,
    {
      cause,
      details: { receivedBytes: received, expectedBytes: expected },
    },
  );
}

/**
 * What an aborted download throws: the signal's reason when it is already a LeadsyncError
 * (the engine may abort with a code of its own), otherwise SYNC_CANCELLED.
 */
export function abortError(signal: AbortSignal | undefined): LeadsyncError {
  const reason: unknown = signal?.reason;
  if (isLeadsyncError(reason)) return reason;
  return new LeadsyncError('SYNC_CANCELLED', 'The download was cancelled', { cause: reason });
}
