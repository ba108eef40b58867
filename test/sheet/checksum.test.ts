import { describe, expect, it } from 'vitest';
import { SheetChecksum } from '../../src/sheet/checksum.js';

function digest(pairs: [string, string][]): string {
  const checksum = new SheetChecksum();
  for (const [key, hash] of pairs) checksum.add(key, hash);
  return checksum.digest();
}

const ROWS: [string, string][] = Array.from({ length: 50 }, (_, i) => [`id:${i}`, `hash-${i * 7}`]);

describe('SheetChecksum', () => {
  it('gives the same digest for the same rows in any order', () => {
    const shuffled = [...ROWS].reverse();
    shuffled.push(...shuffled.splice(0, 17));
    expect(digest(shuffled)).toBe(digest(ROWS));
  });

  it('is 32 hex digits, starting with the row count', () => {
    expect(digest(ROWS)).toMatch(/^00000032[0-9a-f]{24}$/);
    expect(digest([])).toBe('0'.repeat(32));
  });

  it('changes when a row is edited, added, removed or repeated', () => {
    const base = digest(ROWS);
    expect(digest(ROWS.map(([key, hash], i) => [key, i === 3 ? `${hash}!` : hash]))).not.toBe(base);
    expect(digest([...ROWS, ['id:new', 'h']])).not.toBe(base);
    expect(digest(ROWS.slice(1))).not.toBe(base);
    expect(digest([...ROWS, ROWS[0]!])).not.toBe(base);
  });

  it('changes when two keys swap their contents', () => {
    const swapped = ROWS.map(([key, hash], i): [string, string] => [
      key,
      i === 0 ? ROWS[1]![1] : i === 1 ? ROWS[0]![1] : hash,
    ]);
    expect(digest(swapped)).not.toBe(digest(ROWS));
  });

  it('does not confuse where the key ends and the hash begins', () => {
    expect(digest([['ab', 'c']])).not.toBe(digest([['a', 'bc']]));
  });
});
