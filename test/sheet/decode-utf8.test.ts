import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../src/sheet/decode-utf8.js';

async function decode(...chunks: number[][]): Promise<string> {
  async function* source(): AsyncGenerator<Uint8Array> {
    for (const chunk of chunks) yield Uint8Array.from(chunk);
  }
  let text = '';
  for await (const piece of decodeUtf8(source())) text += piece;
  return text;
}

const bytes = (text: string): number[] => [...new TextEncoder().encode(text)];

describe('decodeUtf8', () => {
  it('keeps an é whose two bytes arrive in different chunks', async () => {
    const [a, b] = bytes('é');
    expect(await decode([...bytes('Jos'), a!], [b!, ...bytes(',x')])).toBe('José,x');
  });

  it('keeps CJK characters and emoji split byte by byte', async () => {
    const text = '王小明,北京 🚀';
    expect(await decode(...bytes(text).map((byte) => [byte]))).toBe(text);
  });

  it('drops a leading byte order mark', async () => {
    expect(await decode([0xef, 0xbb], [0xbf, ...bytes('Name')])).toBe('Name');
  });

  it('turns malformed bytes into U+FFFD instead of failing', async () => {
    expect(await decode([0x61, 0xff, 0x62])).toBe('a\ufffdb');
    expect(await decode([0x61, 0xc3])).toBe('a\ufffd'); // cut off in the middle of a character
  });
});
