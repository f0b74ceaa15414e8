import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a sender's callback may go (issue 15, SSRF). A callback URL names a host chosen by someone outside; before
 * anything is sent, its addresses are resolved here and refused when any of them is on this machine or its networks:
 * loopback, private, link-local, CGNAT, multicast, unspecified, reserved, cloud metadata, and IPv4 hidden in IPv6
 * (mapped, NAT64). `CALLBACK_ALLOW_PRIVATE=1` lifts this for tests and on-premises receivers.
 *
 * The address checked is the address connected to: the sender (src/services/callbackSender.ts) hands the resolved
 * address to the socket, so a DNS answer that changes between the check and the connection (rebinding) is never
 * asked for.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (tests give their own). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolve: Resolve = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules (as if mapped), so ::/96 would block all IPv4.
const blockedV4 = new BlockList();
const blockedV6 = new BlockList();
const V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT (also Alibaba's metadata 100.100.100.200)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const V6: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['::ffff:0:0', 96], // IPv4-mapped
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds an IPv4 address)
  ['fc00::', 7], // unique local (also AWS metadata fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];
for (const [net, prefix] of V4) blockedV4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of V6) blockedV6.addSubnet(net, prefix, 'ipv6');
// Azure's platform endpoint (wire server, DNS, DHCP): a public-looking address that answers only inside Azure.
blockedV4.addAddress('168.63.129.16', 'ipv4');

/** Whether a callback may connect to this IP address (false for anything that is not a public unicast address). */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return false;
  return family === 6 ? !blockedV6.check(bare, 'ipv6') : !blockedV4.check(bare, 'ipv4');
}

export type TargetRefusal =
  /** The URL is not an http(s) URL we send to (scheme, credentials, no host). */
  | 'badUrl'
  /** The host is not in the sender's list of callback hosts. */
  | 'hostNotAllowed'
  /** The host is, or resolves to, an address on this machine or its networks. */
  | 'privateAddress'
  /** The host could not be resolved. */
  | 'unresolved';

export type Target =
  | { ok: true; url: URL; hostname: string; address: ResolvedAddress }
  | { ok: false; refusal: TargetRefusal };

export interface TargetPolicy {
  /** CALLBACK_ALLOW_PRIVATE=1: addresses are not checked (tests, on-premises receivers). */
  allowPrivate: boolean;
  resolve: Resolve;
}

/** The URL's host without IPv6 brackets; the WHATWG parser already wrote `127.1`, `0x7f000001` and `2130706433` as 127.0.0.1. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

const isLoopbackName = (host: string) => host === 'localhost' || host.endsWith('.localhost') || host === 'localhost.';

/**
 * The URL a callback may be sent to, or null. https; plain http only to a loopback address (local development and
 * tests — and those are refused unless private addresses are allowed). No credentials in the URL.
 */
export function parseCallbackUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.username || url.password || !url.hostname) return null;
  if (url.protocol === 'https:') return url;
  if (url.protocol !== 'http:') return null;
  const host = hostOf(url);
  const loopback = isLoopbackName(host) || (isIP(host) !== 0 && /^(127\.|::1$|::ffff:7f)/.test(host));
  return loopback ? url : null;
}

/**
 * Resolves the callback's host once and checks every address it has; the first address is the one to connect to.
 * An IP literal is checked as written (after URL normalisation), names through `policy.resolve`.
 */
export async function resolveTarget(rawUrl: string, policy: TargetPolicy, hostAllowed: (hostname: string) => boolean = () => true): Promise<Target> {
  const url = parseCallbackUrl(rawUrl);
  if (!url) return { ok: false, refusal: 'badUrl' };
  const hostname = hostOf(url);
  if (!hostAllowed(hostname)) return { ok: false, refusal: 'hostNotAllowed' };
  const family = isIP(hostname);
  let addresses: ResolvedAddress[];
  if (family !== 0) {
    addresses = [{ address: hostname, family: family === 6 ? 6 : 4 }];
  } else {
    // A loopback name is loopback whatever DNS says.
    if (isLoopbackName(hostname) && !policy.allowPrivate) return { ok: false, refusal: 'privateAddress' };
    try {
      addresses = await policy.resolve(hostname.replace(/\.$/, ''));
    } catch {
      return { ok: false, refusal: 'unresolved' };
    }
    if (addresses.length === 0) return { ok: false, refusal: 'unresolved' };
  }
  if (!policy.allowPrivate && addresses.some((a) => !isPublicAddress(a.address))) return { ok: false, refusal: 'privateAddress' };
  return { ok: true, url, hostname, address: addresses[0] as ResolvedAddress };
}
