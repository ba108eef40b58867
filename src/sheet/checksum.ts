const MOD = 2 ** 48;

/**
 * An order-independent checksum of a sheet's rows: the same set of (key, hash) pairs in any order
 * gives the same digest, so a sort or a moved row leaves it unchanged while any edited, added
 * or removed row changes it. Each pair is hashed (two 48-bit hashes with different seeds) and
 * the hashes are summed modulo 2^48; the digest is the count and both sums as 32 hex digits.
 * The pair is hashed as a whole, so swapping contents between two keys changes the digest too.
 * A non-cryptographic hash is enough: this detects change, it does not defend against forgery.
 */
export class SheetChecksum {
  private count = 0;
  private sumA = 0;
  private sumB = 0;

  add(key: string, hash: string): void {
    const text = `${key}\u0000${hash}`;
    this.count++;
    this.sumA = (this.sumA + hash48(text, 0x9e3779b9)) % MOD;
    this.sumB = (this.sumB + hash48(text, 0x85ebca6b)) % MOD;
  }

  digest(): string {
    const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
    return hex(this.count, 8) + hex(this.sumA, 12) + hex(this.sumB, 12);
  }
}

/** 48 bits of cyrb53 (bryc, public domain): fast, well mixed, exact in a JS number. */
function hash48(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 & 0xffff) * 2 ** 32 + (h1 >>> 0);
}
