import { createHash, randomBytes } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LeadsyncError } from '../errors.js';
import type { DownloadedBody, Validators } from '../sources/types.js';

/** Bodies up to this size stay in memory; larger ones go to a temporary file. */
const MEMORY_LIMIT = 4 * 1024 * 1024;
/**
 * Bytes read back from the file at a time. Small on purpose: each piece becomes one decoded
 * string, and a string past V8's regular object size (~128 KB) is born in the old generation,
 * where only a full GC frees it. At 256 KB a 500k-row re-sync piled up ~230 MB of dead text
 * between full GCs (peak RSS 478 MB); at 64 KB it peaks at 315 MB, no slower.
 */
const READ_PIECE = 64 * 1024;

/**
 * A downloaded body, whole, with the SHA-1 of its raw bytes, before anything parses it: an
 * identical sheet is then recognised for 0.2 s of hashing instead of seconds of parsing (see the
 * engine's unchanged fast path). Small bodies are kept in memory; large ones in a file that is
 * unlinked as soon as it is opened, so it vanishes with the process whatever happens (a crash
 * or `kill -9` leaves nothing behind in the temp folder).
 */
export interface SpooledBody {
  kind: 'csv' | 'rows';
  /** SHA-1 (hex) of the raw bytes (CSV) or of the rows' JSON (Sheets API). */
  hash: string;
  bytes: number;
  /** The answer's ETag / Last-Modified (HTTP CSV sources), for the next conditional request. */
  validators: Validators | null;
  /** The CSV bytes again, from the start, reporting how many were handed on. */
  chunks(onBytes?: (bytes: number) => void): AsyncIterable<Uint8Array>;
  /** The Sheets API rows again. */
  rows(): AsyncIterable<string[][]>;
  dispose(): Promise<void>;
}

export interface SpoolOptions {
  maxBytes: number;
  /** Bytes received so far, for download progress. */
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal | undefined;
}

export async function spoolBody(body: DownloadedBody, options: SpoolOptions): Promise<SpooledBody> {
  const hash = createHash('sha1');
  let bytes = 0;
  const count = (n: number) => {
    bytes += n;
    if (bytes > options.maxBytes) {
      throw new LeadsyncError('SHEET_TOO_LARGE', `The sheet is larger than ${options.maxBytes} bytes`);
    }
    options.onBytes?.(bytes);
  };
  if (body.kind === 'rows') {
    const pages: string[][][] = [];
    for await (const rows of body.rows) {
      const text = JSON.stringify(rows);
      hash.update(text);
      count(Buffer.byteLength(text));
      pages.push(rows);
    }
    return {
      kind: 'rows',
      hash: hash.digest('hex'),
      bytes,
      validators: null,
      chunks: () => none(),
      async *rows() {
        yield* pages;
      },
      dispose: async () => {
        pages.length = 0;
      },
    };
  }

  const memory: Uint8Array[] = [];
  let file: FileHandle | null = null;
  try {
    for await (const chunk of body.chunks) {
      if (options.signal?.aborted) throw new LeadsyncError('SYNC_CANCELLED');
      hash.update(chunk);
      count(chunk.byteLength);
      if (file === null && bytes <= MEMORY_LIMIT) {
        memory.push(chunk);
        continue;
      }
      if (file === null) {
        file = await openUnlinked();
        for (const earlier of memory.splice(0)) await file.write(earlier);
      }
      await file.write(chunk);
    }
  } catch (error) {
    await file?.close();
    throw error;
  }
  const total = bytes;
  const spooled = file;
  return {
    kind: 'csv',
    hash: hash.digest('hex'),
    bytes: total,
    validators: body.validators ?? null,
    async *chunks(onBytes) {
      let done = 0;
      if (spooled === null) {
        for (const chunk of memory) {
          done += chunk.byteLength;
          onBytes?.(done);
          yield chunk;
        }
        return;
      }
      while (done < total) {
        const buffer = Buffer.allocUnsafe(Math.min(READ_PIECE, total - done));
        const { bytesRead } = await spooled.read(buffer, 0, buffer.length, done);
        if (bytesRead === 0) break;
        done += bytesRead;
        onBytes?.(done);
        yield buffer.subarray(0, bytesRead);
      }
    },
    rows: () => none(),
    dispose: async () => {
      memory.length = 0;
      await spooled?.close().catch(() => {});
    },
  };
}

async function openUnlinked(): Promise<FileHandle> {
  const file = path.join(tmpdir(), `leadsync-body-${process.pid}-${randomBytes(6).toString('hex')}`);
  const handle = await open(file, 'w+', 0o600);
  await unlink(file);
  return handle;
}

async function* none<T>(): AsyncIterable<T> {}
