// IP addresses and CIDR ranges (v4 and v6), parsed into bytes so that matching is a byte
// comparison and one address has one text form. IPv4-mapped IPv6 addresses
// (`::ffff:10.0.0.1`, what a dual-stack socket reports for IPv4 clients) count as the
// IPv4 address: otherwise one client would have two identities, and an IPv4 allowlist
// entry would not match it.
import { isIPv4, isIPv6 } from 'node:net';

export interface IpAddress {
  /** 4 bytes for IPv4, 16 for IPv6. */
  readonly bytes: Uint8Array;
  /** Canonical text: dotted IPv4, RFC 5952 IPv6 (lower case, longest zero run as `::`). */
  readonly text: string;
}

export interface IpRange {
  readonly bytes: Uint8Array;
  /** Number of leading bits that must match. */
  readonly prefix: number;
}

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function ipv4Bytes(value: string): Uint8Array {
  return Uint8Array.from(value.split('.').map(Number));
}

function ipv6Bytes(value: string): Uint8Array {
  let text = value;
  const out = new Uint8Array(16);
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) becomes the last two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = ipv4Bytes(tail);
    text = `${text.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  groups.forEach((group, i) => {
    const n = parseInt(group, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}

function isMapped(bytes: Uint8Array): boolean {
  return bytes.length === 16 && MAPPED_PREFIX.every((b, i) => bytes[i] === b);
}

function ipv6Text(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // The longest run of two or more zero groups (the first one on a tie) becomes `::`.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function fromBytes(bytes: Uint8Array): IpAddress {
  if (isMapped(bytes)) return fromBytes(bytes.slice(12));
  return { bytes, text: bytes.length === 4 ? Array.from(bytes).join('.') : ipv6Text(bytes) };
}

/** Parses an IPv4 or IPv6 address (an IPv6 zone such as `%eth0` is ignored); null when invalid. */
export function parseIp(value: string): IpAddress | null {
  const trimmed = value.trim();
  if (isIPv4(trimmed)) return fromBytes(ipv4Bytes(trimmed));
  const unzoned = trimmed.replace(/%.*$/, '');
  if (isIPv6(unzoned)) return fromBytes(ipv6Bytes(unzoned));
  return null;
}

/** The canonical text of an address, or null when it is not one. */
export function canonicalIp(value: string): string | null {
  return parseIp(value)?.text ?? null;
}

/** Parses `1.2.3.4`, `10.0.0.0/8`, `::1` or `2001:db8::/32`; a single address is a full-length range. */
export function parseIpRange(value: string): IpRange | null {
  const trimmed = value.trim();
  const slash = trimmed.indexOf('/');
  const rawIp = slash === -1 ? trimmed : trimmed.slice(0, slash);
  if (rawIp.includes('%')) return null;
  const wasV6 = isIPv6(rawIp);
  const ip = parseIp(rawIp);
  if (!ip) return null;
  const width = ip.bytes.length * 8;
  if (slash === -1) return { bytes: ip.bytes, prefix: width };
  const rawPrefix = trimmed.slice(slash + 1);
  if (!/^\d{1,3}$/.test(rawPrefix)) return null;
  let prefix = Number(rawPrefix);
  // A mapped IPv6 range (`::ffff:10.0.0.0/104`) is the IPv4 range it covers.
  if (wasV6 && ip.bytes.length === 4) {
    if (prefix < 96 || prefix > 128) return null;
    prefix -= 96;
  }
  if (prefix > width) return null;
  return { bytes: ip.bytes, prefix };
}

export function rangeContains(range: IpRange, ip: IpAddress): boolean {
  if (range.bytes.length !== ip.bytes.length) return false;
  const whole = range.prefix >> 3;
  for (let i = 0; i < whole; i++) if (range.bytes[i] !== ip.bytes[i]) return false;
  const bits = range.prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (range.bytes[whole]! & mask) === (ip.bytes[whole]! & mask);
}

/** A list of addresses and ranges, e.g. an allowlist. */
export class IpList {
  private constructor(private readonly ranges: readonly IpRange[]) {}

  /** Parses every entry; `invalid` lists the entries that are neither an address nor a range. */
  static parse(entries: readonly string[]): { list: IpList; invalid: string[] } {
    const ranges: IpRange[] = [];
    const invalid: string[] = [];
    for (const entry of entries) {
      const range = parseIpRange(entry);
      if (range) ranges.push(range);
      else invalid.push(entry);
    }
    return { list: new IpList(ranges), invalid };
  }

  get size(): number {
    return this.ranges.length;
  }

  /** Whether the address is in one of the ranges; an unparsable address never is. */
  has(address: string): boolean {
    const ip = parseIp(address);
    return ip !== null && this.ranges.some((range) => rangeContains(range, ip));
  }
}
