import { LeadsyncError } from '../errors.js';

export interface PeekedBody {
  /** The first bytes (at least `minBytes` unless the body is shorter). */
  head: Uint8Array;
  /** The whole body again, head included: peeking loses no byte. */
  chunks: AsyncIterable<Uint8Array>;
  /** Releases the body when it will not be read (after a peek that found an error page). */
  close(): Promise<void>;
}

/**
 * Reads chunks until `minBytes` have arrived (or the body ends) so the start can be inspected,
 * then hands back a stream that yields those chunks first and continues where the peek stopped.
 */
export async function peekBody(body: AsyncIterable<Uint8Array>, minBytes: number): Promise<PeekedBody> {
  const iterator = body[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < minBytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    buffered.push(next.value);
    size += next.value.length;
  }
  const head = concat(buffered, size);
  async function* replay(): AsyncGenerator<Uint8Array> {
    try {
      yield* buffered.splice(0);
      while (!done) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  return {
    head,
    chunks: replay(),
    close: async () => {
      await iterator.return?.();
    },
  };
}

/**
 * Fails with SHEET_TOO_LARGE once more than `maxBytes` went through, so a runaway download
 * cannot fill the disk or the memory of the parser.
 */
export async function* limitBytes(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(maxBytes);
    yield chunk;
  }
}

export function tooLarge(maxBytes: number, announced?: number): LeadsyncError {
  const size = announced === undefined ? 'more' : `${announced} bytes`;
  return new LeadsyncError('SHEET_TOO_LARGE', `The sheet is larger than ${maxBytes} bytes (${size})`, {
    details: { maxBytes, announcedBytes: announced ?? null },
  });
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Collects a small body (JSON from the Sheets API, an error page) into a string. */
export async function readText(chunks: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of limitBytes(chunks, maxBytes)) {
    parts.push(chunk);
    size += chunk.length;
  }
  return new TextDecoder('utf-8').decode(concat(parts, size));
}
