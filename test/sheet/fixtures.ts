import { readFile } from 'node:fs/promises';

export const FIXTURES = new URL('../fixtures/sheets/', import.meta.url);

export async function readFixture(name: string): Promise<string> {
  return readFile(new URL(name, FIXTURES), 'utf8');
}

export async function readFixtureBytes(name: string): Promise<Uint8Array> {
  return readFile(new URL(name, FIXTURES));
}

/** Yields bytes in small uneven chunks, so multi-byte characters and CRLFs straddle chunks. */
export async function* chunked(bytes: Uint8Array, sizes = [7, 1, 13, 2, 64]): AsyncGenerator<Uint8Array> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}
