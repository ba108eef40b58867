import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/**
 * Ways the fake misbehaves, each one a failure the real Google (or a network) has shown us:
 * server errors, rate limits with Retry-After, a private sheet's redirect to the sign-in page,
 * a sign-in page served as 200, bodies that are cut off, slow or stalled mid-stream, and bodies
 * in an encoding nobody asked for. Body faults count bytes on the wire (compressed when gzip).
 */
export type Fault =
  | { status: 500 | 502 | 503; retryAfter?: string }
  | { status: 429; retryAfter?: string }
  | { redirectToSignIn: true }
  | { htmlSignInPage: true }
  /** Sends the headers and this many body bytes, then closes the connection. */
  | { resetAfterBytes: number }
  | { slowBody: { chunkBytes: number; delayMs: number } }
  /** Sends this many body bytes, then nothing (the connection stays open). */
  | { stallAfterBytes: number }
  /**
   * Sends `afterBytes` body bytes (then calls `onHeld`, once they are flushed), and the rest once
   * `until` settles: a download held open exactly as long as the test needs.
   */
  | { heldBody: { afterBytes: number; until: Promise<unknown>; onHeld?: () => void } }
  /** Gzips the body and says so, whatever the request's Accept-Encoding. */
  | { unsolicitedGzip: true }
  /** Labels the body with this Content-Encoding, bytes unchanged (e.g. `br`). */
  | { contentEncoding: string }
  /** Answers 200 with this body and Content-Type instead of the sheet (e.g. HTML as text/plain). */
  | { page: string; contentType: string };

/**
 * A `heldBody` fault and what lets it go: `fake.fault(id, held.fault)`, then `held.release()`
 * once the test has seen what it needs mid-download.
 */
export function heldBody(afterBytes: number, onHeld?: () => void): { fault: Fault; release: () => void } {
  let release = () => {};
  const until = new Promise<void>((resolve) => (release = resolve));
  return { fault: { heldBody: { afterBytes, until, ...(onHeld && { onHeld }) } }, release };
}

export interface FaultOptions {
  /** How many matching requests get the fault; default: every one until clearFaults(). */
  times?: number;
}

interface Entry {
  key: string;
  fault: Fault;
  remaining: number;
}

/**
 * Faults by key: a spreadsheet id, a published id, a file path, `token` (the token endpoint),
 * or `*` for any request. The oldest matching entry wins, so a fault for the next request can
 * be queued before a permanent one.
 */
export class FaultBook {
  private entries: Entry[] = [];

  add(key: string, fault: Fault, options: FaultOptions = {}): void {
    this.entries.push({ key, fault, remaining: options.times ?? Number.POSITIVE_INFINITY });
  }

  take(key: string): Fault | undefined {
    const entry = this.entries.find((e) => (e.key === key || e.key === '*') && e.remaining > 0);
    if (!entry) return undefined;
    entry.remaining -= 1;
    return entry.fault;
  }

  clear(): void {
    this.entries = [];
  }
}

export interface SendBodyOptions {
  status?: number;
  contentType: string;
  /** Send Content-Length; otherwise the body goes out chunked, as Google's export does. */
  contentLength?: boolean;
  headers?: Record<string, string>;
  fault?: Fault | undefined;
  /** Gzip the body when the request accepts gzip (as Google does). */
  gzip?: boolean;
  /** The request, for its Accept-Encoding. */
  req?: IncomingMessage;
}

/** Whether an Accept-Encoding header lets us answer with gzip (q=0 refuses it). */
export function acceptsGzip(req: IncomingMessage | undefined): boolean {
  const header = req?.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (name === 'gzip' || name === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

const PIECE = 16 * 1024;

/** Writes a body, honouring the body faults. */
export function sendBody(res: ServerResponse, plain: Buffer, options: SendBodyOptions): void {
  const fault = options.fault;
  const gzip =
    (fault !== undefined && 'unsolicitedGzip' in fault) ||
    (options.gzip === true && acceptsGzip(options.req));
  const body = gzip ? gzipSync(plain) : plain;
  const encoding = gzip ? 'gzip' : fault && 'contentEncoding' in fault ? fault.contentEncoding : null;
  res.writeHead(options.status ?? 200, {
    'content-type': options.contentType,
    ...(encoding === null ? {} : { 'content-encoding': encoding }),
    ...(options.contentLength
      ? { 'content-length': String(body.length) }
      : { 'transfer-encoding': 'chunked' }),
    ...options.headers,
  });
  if (fault && 'resetAfterBytes' in fault) {
    // Wait until the bytes are flushed, so the client sees them before the connection dies.
    res.write(body.subarray(0, fault.resetAfterBytes), () => res.socket?.destroy());
    return;
  }
  if (fault && 'stallAfterBytes' in fault) {
    res.write(body.subarray(0, fault.stallAfterBytes));
    return;
  }
  if (fault && 'heldBody' in fault) {
    res.write(body.subarray(0, fault.heldBody.afterBytes), () => fault.heldBody.onHeld?.());
    const rest = () => void (res.destroyed || res.end(body.subarray(fault.heldBody.afterBytes)));
    fault.heldBody.until.then(rest, rest);
    return;
  }
  if (fault && 'slowBody' in fault) {
    void writeSlowly(res, body, fault.slowBody.chunkBytes, fault.slowBody.delayMs);
    return;
  }
  for (let offset = 0; offset < body.length; offset += PIECE)
    res.write(body.subarray(offset, offset + PIECE));
  res.end();
}

async function writeSlowly(res: ServerResponse, body: Buffer, chunkBytes: number, delayMs: number) {
  for (let offset = 0; offset < body.length; offset += chunkBytes) {
    if (res.destroyed) return;
    res.write(body.subarray(offset, offset + chunkBytes));
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  if (!res.destroyed) res.end();
}
