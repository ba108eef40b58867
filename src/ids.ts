import { randomFillSync } from 'node:crypto';

// Random bytes are drawn 4 KiB at a time: a first sync makes one id per lead, and one
// crypto call per id was a visible share of a 500k-row sync.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function random10(): Buffer {
  if (poolOffset + 10 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 10);
  poolOffset += 10;
  return bytes;
}

let lastMs = -1;
let counter = 0;

/**
 * A UUIDv7: time-ordered, so ids sort by creation and can serve as keyset cursors, and opaque
 * to clients (the contract promises nothing about their form). Ids made in the same
 * millisecond stay in order through a 12-bit counter in the version's `rand_a` field (RFC 9562,
 * method 1): a first sync makes thousands of leads a millisecond, and listings sorted by id
 * must show them in the order they were written. Past 4096 in one millisecond, or when the
 * clock steps back, the timestamp is carried forward instead of going back.
 */
export function newId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = random10()[0]! & 0x3ff; // start low in the range, leaving room to count up
  } else if (++counter > 0xfff) {
    lastMs++;
    counter = 0;
  }
  const bytes = Buffer.alloc(16);
  let ms = lastMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  random10().copy(bytes, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` has the form of an id we issue (used to answer 404 instead of querying). */
export function isId(value: string): boolean {
  return UUID_RE.test(value);
}
