import { describe, expect, it } from 'vitest';
import { limitBytes, peekBody, readText } from '../../src/sources/body-stream.js';
import { collect, rejection } from './support.js';

async function* chunksOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const decode = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('utf8');

describe('peekBody', () => {
  it('shows the first bytes and then yields every byte, peeked ones included', async () => {
    const text = 'Name,Email\n'.repeat(500);
    const peeked = await peekBody(chunksOf(text, 7), 64);
    expect(peeked.head.length).toBeGreaterThanOrEqual(64);
    expect(Buffer.from(peeked.head).toString('utf8')).toBe(text.slice(0, peeked.head.length));
    expect(decode(await collect(peeked.chunks))).toBe(text);
  });

  it('handles a body shorter than the peek, and an empty one', async () => {
    const short = await peekBody(chunksOf('a,b\n', 2), 4096);
    expect(Buffer.from(short.head).toString()).toBe('a,b\n');
    expect(decode(await collect(short.chunks))).toBe('a,b\n');
    const empty = await peekBody(chunksOf('', 2), 4096);
    expect(empty.head.length).toBe(0);
    expect(await collect(empty.chunks)).toEqual([]);
  });

  it('closes the underlying stream when the body is dropped after the peek', async () => {
    let closed = false;
    async function* source() {
      try {
        for (;;) yield new Uint8Array(100);
      } finally {
        closed = true;
      }
    }
    const peeked = await peekBody(source(), 150);
    await peeked.close();
    expect(closed).toBe(true);
  });
});

describe('limitBytes', () => {
  it('passes a body up to the limit and fails with SHEET_TOO_LARGE beyond it', async () => {
    expect(decode(await collect(limitBytes(chunksOf('x'.repeat(100), 10), 100)))).toHaveLength(100);
    await rejection(collect(limitBytes(chunksOf('x'.repeat(101), 10), 100)), 'SHEET_TOO_LARGE');
  });
});

describe('readText', () => {
  it('decodes UTF-8 split across chunks', async () => {
    expect(await readText(chunksOf('{"name":"Zoë Ødegård"}', 1), 1000)).toBe('{"name":"Zoë Ødegård"}');
  });
});
