import type { ServerResponse } from 'node:http';

/**
 * Ways the fake misbehaves, each one a failure the real Google (or a network) has shown us:
 * server errors, rate limits with Retry-After, a private sheet's redirect to the sign-in page,
 * a sign-in page served as 200, and bodies that are cut off, slow or stalled mid-stream.
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
  | { stallAfterBytes: number };

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
}

const PIECE = 16 * 1024;

/** Writes a body, honouring the body faults. */
export function sendBody(res: ServerResponse, body: Buffer, options: SendBodyOptions): void {
  res.writeHead(options.status ?? 200, {
    'content-type': options.contentType,
    ...(options.contentLength
      ? { 'content-length': String(body.length) }
      : { 'transfer-encoding': 'chunked' }),
    ...options.headers,
  });
  const fault = options.fault;
  if (fault && 'resetAfterBytes' in fault) {
    // Wait until the bytes are flushed, so the client sees them before the connection dies.
    res.write(body.subarray(0, fault.resetAfterBytes), () => res.socket?.destroy());
    return;
  }
  if (fault && 'stallAfterBytes' in fault) {
    res.write(body.subarray(0, fault.stallAfterBytes));
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
