// Which addresses an outbound request may connect to. A server that calls URLs chosen by
// its users (webhooks) must not become a way into its own network: loopback services, the
// private LAN, or a cloud metadata endpoint that hands out credentials. Only public unicast
// addresses pass, plus whatever the operator allowlists explicitly.
import type { IpAddress, IpList, IpRange } from '../ip-address.js';
import { parseIp, parseIpRange, rangeContains } from '../ip-address.js';

export interface OutboundPolicy {
  /** IPs / CIDR ranges that are allowed even though internal (tests use 127.0.0.1/32 for local receivers). */
  readonly allow: IpList;
}

interface RefusedRange {
  readonly range: IpRange;
  readonly reason: string;
}

function cidr(text: string): IpRange {
  const range = parseIpRange(text);
  if (!range) throw new Error(`bad built-in range ${text}`);
  return range;
}

function refused(text: string, reason: string): RefusedRange {
  return { range: cidr(text), reason };
}

// The order matters only for the wording: the most specific reason comes first
// (broadcast before the wider reserved block that contains it).
const REFUSED_IPV4: readonly RefusedRange[] = [
  refused('0.0.0.0/32', 'an unspecified address'),
  refused('0.0.0.0/8', 'a reserved address ("this network")'),
  refused('10.0.0.0/8', 'a private address'),
  refused('100.64.0.0/10', 'a carrier-grade NAT address'),
  refused('127.0.0.0/8', 'a loopback address'),
  refused('169.254.0.0/16', 'a link-local address (cloud metadata lives here)'),
  refused('172.16.0.0/12', 'a private address'),
  refused('192.0.0.0/24', 'a reserved address (IETF protocol assignments)'),
  refused('192.0.2.0/24', 'a documentation address'),
  refused('192.88.99.0/24', 'a reserved address (6to4 relay anycast)'),
  refused('192.168.0.0/16', 'a private address'),
  refused('198.18.0.0/15', 'a reserved address (benchmarking)'),
  refused('198.51.100.0/24', 'a documentation address'),
  refused('203.0.113.0/24', 'a documentation address'),
  refused('224.0.0.0/4', 'a multicast address'),
  refused('255.255.255.255/32', 'the broadcast address'),
  refused('240.0.0.0/4', 'a reserved address'),
];

const REFUSED_IPV6: readonly RefusedRange[] = [
  refused('::/128', 'an unspecified address'),
  refused('::1/128', 'a loopback address'),
  refused('64:ff9b:1::/48', 'a local-use NAT64 address'),
  refused('100::/64', 'a discard-only address'),
  // Includes Teredo (2001::/32), whose tunnelled IPv4 address is obfuscated.
  refused('2001::/23', 'a reserved address (IETF protocol assignments)'),
  refused('2001:db8::/32', 'a documentation address'),
  refused('3fff::/20', 'a documentation address'),
  refused('5f00::/16', 'a reserved address (segment routing)'),
  refused('fc00::/7', 'a unique-local address'),
  refused('fe80::/10', 'a link-local address'),
  refused('fec0::/10', 'a site-local address'),
  refused('ff00::/8', 'a multicast address'),
];

/** Everything outside 2000::/3 that no rule above names is unassigned or special-purpose. */
const GLOBAL_UNICAST_V6 = cidr('2000::/3');

// IPv6 forms that carry an IPv4 address: a packet to them reaches that IPv4 address
// through a translator or tunnel, so the IPv4 address is what must be judged.
// (IPv4-mapped `::ffff:a.b.c.d` needs no rule: parseIp already reads it as IPv4.)
const EMBEDDING_IPV6: readonly { range: IpRange; name: string; offset: number }[] = [
  { range: cidr('64:ff9b::/96'), name: 'NAT64', offset: 12 },
  { range: cidr('2002::/16'), name: '6to4', offset: 2 },
];

function embeddedIpv4(ip: IpAddress): { name: string; v4: string } | null {
  for (const { range, name, offset } of EMBEDDING_IPV6) {
    if (rangeContains(range, ip)) return { name, v4: Array.from(ip.bytes.slice(offset, offset + 4)).join('.') };
  }
  return null;
}

function namedRefusal(ip: IpAddress): string | null {
  const table = ip.bytes.length === 4 ? REFUSED_IPV4 : REFUSED_IPV6;
  const hit = table.find(({ range }) => rangeContains(range, ip));
  if (hit) return hit.reason;
  if (ip.bytes.length === 16 && !rangeContains(GLOBAL_UNICAST_V6, ip)) return 'a reserved address';
  return null;
}

/** Why an address is refused, or null when it is a public unicast address (or allowlisted). */
export function refusalFor(ip: string, policy: OutboundPolicy): string | null {
  const parsed = parseIp(ip);
  if (!parsed) return 'not an IP address';
  if (policy.allow.has(parsed.text)) return null;
  const embedded = embeddedIpv4(parsed);
  if (embedded) {
    const inner = refusalFor(embedded.v4, policy);
    return inner === null ? null : `a ${embedded.name} address for ${embedded.v4}, ${inner}`;
  }
  return namedRefusal(parsed);
}
