/**
 * IP address parsing and classification for the URL-fetch policy. Plain functions over strings and
 * bytes (no `node:net`) so every runtime applies the same rules.
 *
 * Hosts are parsed the way browsers and WHATWG URL parsers accept them, because an attacker picks the
 * spelling: `2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`, `[::ffff:127.0.0.1]`, `[::ffff:7f00:1]` all
 * reach loopback.
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

/** Why an address may not be fetched; null when it is a public unicast address. */
export type BlockReason =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'metadata'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'benchmark'
  | 'broadcast'
  | 'unique-local'
  | 'site-local'
  | 'discard'
  | 'teredo';

/**
 * One IPv4 part in any of the forms inet_aton/WHATWG accept: decimal, octal (leading 0) or hex (0x).
 * Returns NaN when the part is not a number at all.
 */
function parseV4Part(s: string): number {
  if (s === '') return NaN;
  let radix = 10;
  let digits = s;
  if (/^0x/i.test(s)) {
    radix = 16;
    digits = s.slice(2);
    if (digits === '') return 0; // "0x" is 0 for WHATWG
  } else if (s.length > 1 && s[0] === '0') {
    radix = 8;
    digits = s.slice(1);
  }
  const re = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!re.test(digits)) return NaN;
  const n = parseInt(digits, radix);
  return Number.isSafeInteger(n) ? n : Infinity;
}

/** IPv4 in dotted (1 to 4 parts), decimal, octal or hex notation; a trailing dot is allowed. */
export function parseIPv4(host: string): Uint8Array | null {
  let h = host;
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (!h || h.length > 64) return null;
  const parts = h.split('.');
  if (parts.length > 4) return null;
  const nums = parts.map(parseV4Part);
  if (nums.some((n) => Number.isNaN(n))) return null;
  const last = nums[nums.length - 1]!;
  for (let i = 0; i < nums.length - 1; i++) if (nums[i]! > 255) return null;
  if (last >= 256 ** (5 - nums.length)) return null;
  let value = last;
  for (let i = 0; i < nums.length - 1; i++) value += nums[i]! * 256 ** (3 - i);
  return new Uint8Array([(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
}

/** IPv6 text form (with or without brackets, with an optional zone id and an IPv4 tail). */
export function parseIPv6(host: string): Uint8Array | null {
  let h = host;
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  const zone = h.indexOf('%');
  if (zone >= 0) h = h.slice(0, zone);
  if (!h.includes(':') || h.length > 64) return null;
  const out = new Uint8Array(16);
  const halves = h.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const parts = s.split(':');
    const vals: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        // Embedded IPv4 is strictly dotted-decimal here (as in RFC 4291 and WHATWG).
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(p)) return null;
        const v4 = p.split('.').map(Number);
        if (v4.some((n) => n > 255)) return null;
        vals.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(p)) return null;
        vals.push(parseInt(p, 16));
      }
    }
    return vals;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  if (halves.length === 1 && head.length !== 8) return null;
  if (halves.length === 2 && head.length + tail.length > 7) return null;
  const all = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 255;
  });
  return out;
}

/** Parses an IP literal in any accepted spelling; null when `host` is a name. */
export function parseIp(host: string): IpAddress | null {
  const v6 = parseIPv6(host);
  if (v6) return { family: 6, bytes: v6 };
  // A name whose last label is not numeric is a domain (WHATWG "ends in a number" rule).
  const last = host.replace(/\.$/, '').split('.').pop() ?? '';
  if (!/^(0x[0-9a-f]*|[0-9]+)$/i.test(last)) return null;
  const v4 = parseIPv4(host);
  return v4 ? { family: 4, bytes: v4 } : null;
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return Array.from(ip.bytes).join('.');
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((ip.bytes[i]! << 8) | ip.bytes[i + 1]!).toString(16));
  return g.join(':');
}

function v4InRange(b: Uint8Array, base: [number, number, number, number], bits: number): boolean {
  const v = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const r = ((base[0] << 24) | (base[1] << 16) | (base[2] << 8) | base[3]) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (v & mask) === (r & mask);
}

function prefixMatch(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const bit = 7 - (i & 7);
    if (((a[byte]! >> bit) & 1) !== ((b[byte]! >> bit) & 1)) return false;
  }
  return true;
}

const V4_RULES: Array<[[number, number, number, number], number, BlockReason]> = [
  [[169, 254, 169, 254], 32, 'metadata'], // AWS/GCP/Azure/OpenStack instance metadata
  [[168, 63, 129, 16], 32, 'metadata'], // Azure wire server
  [[100, 100, 100, 200], 32, 'metadata'], // Alibaba Cloud metadata
  [[192, 0, 0, 192], 32, 'metadata'], // Oracle Cloud metadata
  [[0, 0, 0, 0], 8, 'unspecified'],
  [[10, 0, 0, 0], 8, 'private'],
  [[100, 64, 0, 0], 10, 'cgnat'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[169, 254, 0, 0], 16, 'link-local'],
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 0, 0, 0], 24, 'reserved'],
  [[192, 0, 2, 0], 24, 'documentation'],
  [[192, 88, 99, 0], 24, 'reserved'], // 6to4 relay anycast
  [[192, 168, 0, 0], 16, 'private'],
  [[198, 18, 0, 0], 15, 'benchmark'],
  [[198, 51, 100, 0], 24, 'documentation'],
  [[203, 0, 113, 0], 24, 'documentation'],
  [[255, 255, 255, 255], 32, 'broadcast'],
  [[224, 0, 0, 0], 4, 'multicast'],
  [[240, 0, 0, 0], 4, 'reserved'],
];

/** Classifies an IPv4 address (4 bytes). */
export function classifyIPv4(b: Uint8Array): BlockReason | null {
  for (const [base, bits, reason] of V4_RULES) if (v4InRange(b, base, bits)) return reason;
  return null;
}

const v6 = (s: string) => parseIPv6(s)!;
const V6_RULES: Array<[Uint8Array, number, BlockReason]> = [
  [v6('fd00:ec2::254'), 128, 'metadata'], // AWS IMDS over IPv6
  [v6('::'), 128, 'unspecified'],
  [v6('::1'), 128, 'loopback'],
  [v6('100::'), 64, 'discard'],
  [v6('2001::'), 32, 'teredo'], // tunnels to an IPv4 address we cannot see
  [v6('2001:db8::'), 32, 'documentation'],
  [v6('fc00::'), 7, 'unique-local'],
  [v6('fe80::'), 10, 'link-local'],
  [v6('fec0::'), 10, 'site-local'],
  [v6('ff00::'), 8, 'multicast'],
];

/** IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIPv4(b: Uint8Array): Uint8Array | null {
  const zeros = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (SIIT translated)
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12, 16);
  if (zeros(0, 8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) return b.slice(12, 16);
  // ::a.b.c.d (deprecated IPv4-compatible); :: and ::1 are handled as themselves
  if (zeros(0, 12) && !(zeros(12, 15) && (b[15] === 0 || b[15] === 1))) return b.slice(12, 16);
  // 64:ff9b::/96 (NAT64 well-known) and 64:ff9b:1::/48 (local-use NAT64)
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    if (zeros(4, 12)) return b.slice(12, 16);
    if (b[4] === 0 && b[5] === 1) return b.slice(12, 16);
  }
  // 2002:AABB:CCDD::/48 (6to4)
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6);
  return null;
}

/** Classifies an IPv6 address (16 bytes), looking through every IPv4 embedding. */
export function classifyIPv6(b: Uint8Array): BlockReason | null {
  const inner = embeddedIPv4(b);
  if (inner) {
    // NAT64 (DNS64 networks) and 6to4 to a public IPv4 address reach that address: judge it.
    return classifyIPv4(inner);
  }
  for (const [base, bits, reason] of V6_RULES) if (prefixMatch(b, base, bits)) return reason;
  return null;
}

export function classifyIp(ip: IpAddress): BlockReason | null {
  return ip.family === 4 ? classifyIPv4(ip.bytes) : classifyIPv6(ip.bytes);
}

/** An address range from an allow-list entry ("10.0.0.0/8", "::1", "fd00::/8"). */
export interface Cidr {
  family: IpFamily;
  bytes: Uint8Array;
  bits: number;
}

export function parseCidr(s: string): Cidr | null {
  const slash = s.lastIndexOf('/');
  const addr = slash >= 0 ? s.slice(0, slash) : s;
  const ip = parseIPv6(addr) ? { family: 6 as const, bytes: parseIPv6(addr)! } : /^[0-9.]+$/.test(addr) ? (() => {
    const b = parseIPv4(addr);
    return b ? { family: 4 as const, bytes: b } : null;
  })() : null;
  if (!ip) return null;
  const max = ip.family === 4 ? 32 : 128;
  const bits = slash >= 0 ? Number(s.slice(slash + 1)) : max;
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return null;
  return { ...ip, bits };
}

/** True when `ip` lies in `range`; IPv4-mapped IPv6 addresses match IPv4 ranges. */
export function cidrContains(range: Cidr, ip: IpAddress): boolean {
  let target = ip;
  if (range.family === 4 && ip.family === 6) {
    const b = ip.bytes;
    const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
    if (!mapped) return false;
    target = { family: 4, bytes: b.slice(12, 16) };
  }
  if (range.family !== target.family) return false;
  return prefixMatch(target.bytes, range.bytes, range.bits);
}
