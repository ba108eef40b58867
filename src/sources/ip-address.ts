import { BlockList, isIPv4, isIPv6 } from 'node:net';

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

/**
 * Special blocks inside 2000::/3 (the only global unicast space): IETF protocol assignments
 * (Teredo, ORCHID, …), documentation (2001:db8::/32 and 3fff::/20).
 */
const V6_NON_PUBLIC: readonly (readonly [string, number])[] = [
  ['2001::', 23],
  ['2001:db8::', 32],
  ['3fff::', 20],
];

// node:net's BlockList does the prefix matching; it also judges an IPv4-mapped IPv6 address
// (::ffff:a.b.c.d) by the IPv4 rules, so `::ffff:127.0.0.1` is loopback.
const NON_PUBLIC = new BlockList();
for (const [network, bits] of V4_NON_PUBLIC) NON_PUBLIC.addSubnet(network, bits, 'ipv4');
for (const [network, bits] of V6_NON_PUBLIC) NON_PUBLIC.addSubnet(network, bits, 'ipv6');
const V6_GLOBAL_UNICAST = new BlockList();
V6_GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');
const IPV4_MAPPED = new BlockList();
IPV4_MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');

/**
 * True when `ip` (v4 or v6, brackets and zone ids tolerated) is a public unicast address.
 * Addresses that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`,
 * 6to4 `2002::/16`) are judged by that IPv4 address, so `::ffff:127.0.0.1` is loopback.
 * Anything that does not parse is not public.
 */
export function isPublicAddress(ip: string): boolean {
  const address = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(address)) return !NON_PUBLIC.check(address, 'ipv4');
  if (!isIPv6(address)) return false;
  if (IPV4_MAPPED.check(address, 'ipv6')) return !NON_PUBLIC.check(address, 'ipv6');
  const embedded = embeddedV4(v6ToGroups(address));
  if (embedded !== null) return !NON_PUBLIC.check(embedded, 'ipv4');
  // Outside 2000::/3: unspecified, loopback, IPv4-compatible, unique-local, link-local, multicast…
  return V6_GLOBAL_UNICAST.check(address, 'ipv6') && !NON_PUBLIC.check(address, 'ipv6');
}

/** The IPv4 address a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address carries, dotted. */
function embeddedV4(g: number[]): string | null {
  const dotted = (hi: number, lo: number) =>
    [(g[hi] ?? 0) >> 8, (g[hi] ?? 0) & 0xff, (g[lo] ?? 0) >> 8, (g[lo] ?? 0) & 0xff].join('.');
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return dotted(6, 7);
  if (g[0] === 0x2002) return dotted(1, 2);
  return null;
}

/** Eight 16-bit groups; the input was validated by isIPv6. */
function v6ToGroups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((group) => parseInt(group, 16));
}
