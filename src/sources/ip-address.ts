import { isIPv4, isIPv6 } from 'node:net';

/**
 * IPv4 blocks that are not the public internet: this-network, private, CGNAT, loopback,
 * link-local (cloud metadata lives at 169.254.169.254), protocol assignments, documentation,
 * benchmarking, 6to4 relay, multicast, reserved and broadcast.
 */
const V4_NON_PUBLIC: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const V4_BLOCKS = V4_NON_PUBLIC.map(([base, bits]) => [v4ToNumber(base), bits] as const);

/**
 * Special blocks inside 2000::/3 (the only global unicast space): IETF protocol assignments
 * (Teredo, ORCHID, …), documentation (2001:db8::/32 and 3fff::/20).
 */
const V6_NON_PUBLIC: readonly (readonly [number[], number])[] = [
  [[0x2001, 0], 23],
  [[0x2001, 0x0db8], 32],
  [[0x3fff, 0], 20],
];

/**
 * True when `ip` (v4 or v6, brackets and zone ids tolerated) is a public unicast address.
 * Addresses that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`,
 * 6to4 `2002::/16`) are judged by that IPv4 address, so `::ffff:127.0.0.1` is loopback.
 * Anything that does not parse is not public.
 */
export function isPublicAddress(ip: string): boolean {
  const address = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(address)) return isPublicV4(v4ToNumber(address));
  if (isIPv6(address)) return isPublicV6(v6ToGroups(address));
  return false;
}

function isPublicV4(n: number): boolean {
  return !V4_BLOCKS.some(([base, bits]) => (n ^ base) >>> (32 - bits) === 0);
}

function isPublicV6(g: number[]): boolean {
  const embedded = embeddedV4(g);
  if (embedded !== null) return isPublicV4(embedded);
  // Outside 2000::/3: unspecified, loopback, IPv4-compatible, unique-local, link-local, multicast…
  if (((g[0] ?? 0) & 0xe000) !== 0x2000) return false;
  return !V6_NON_PUBLIC.some(([prefix, bits]) => inV6Prefix(g, prefix, bits));
}

function embeddedV4(g: number[]): number | null {
  const word = (hi: number, lo: number) => (((g[hi] ?? 0) << 16) | (g[lo] ?? 0)) >>> 0;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return word(6, 7); // ::ffff:0:0/96, IPv4-mapped
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return word(6, 7); // 64:ff9b::/96, NAT64
  if (g[0] === 0x2002) return word(1, 2); // 2002::/16, 6to4
  return null;
}

function inV6Prefix(g: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i * 16 < bits; i++) {
    const take = Math.min(16, bits - i * 16);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((g[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

function v4ToNumber(address: string): number {
  return address.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}

/** Eight 16-bit groups; the input was validated by isIPv6. */
function v6ToGroups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const n = v4ToNumber(dotted[1]);
    text = `${text.slice(0, dotted.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((group) => parseInt(group, 16));
}
