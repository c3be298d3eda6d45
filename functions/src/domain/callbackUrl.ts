import { isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/** Where public IPv6 unicast lives (RFC 4291 global unicast); anything outside is never public. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
/** IPv6 documentation prefix of RFC 9637, newer than some releases' range tables. */
const DOCUMENTATION_V6 = ipaddr.IPv6.parseCIDR('3fff::/20');

/**
 * True for every address that is not public unicast: loopback, private, link-local (cloud
 * metadata), CGNAT, documentation, benchmarking, reserved and multicast ranges, and IPv6 forms
 * that embed or translate to IPv4 (IPv4-mapped, NAT64 64:ff9b::/96, 6to4, Teredo), judged by
 * ipaddr.js's range tables rather than hand-written ones.
 */
export function isNonPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (parsed.range() !== 'unicast') return true;
  if (parsed.kind() !== 'ipv6') return false;
  const v6 = parsed as ipaddr.IPv6;
  return !v6.match(GLOBAL_UNICAST_V6) || v6.match(DOCUMENTATION_V6);
}

/** Loopback only (127.0.0.0/8, ::1, and IPv4-mapped loopback): what the emulator adds to live's rule. */
export function isLoopbackAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'loopback';
}

export interface CallbackUrlRules {
  /** The emulator: http(s) to loopback is allowed too, so tests can receive callbacks. */
  allowLoopback: boolean;
}

/** The host as it is looked up: brackets off, lower case, trailing dots gone (`localhost.` is `localhost`). */
const hostOf = (url: URL) =>
  url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.+$/, '');

const isLoopbackName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/**
 * Why a URL may not receive callbacks, or null when it may. The WHATWG parser already turns
 * decimal, octal and hex host forms (http://2130706433/, http://0x7f.1/) into dotted quads, so
 * they are judged as the address they really are. Live mode: https to public addresses only. On
 * the emulators, exactly loopback (http or https) in addition.
 */
export function callbackUrlProblem(raw: string, rules: CallbackUrlRules): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  const host = hostOf(url);
  if (rules.allowLoopback && (isLoopbackName(host) || isLoopbackAddress(host))) return null;
  if (url.protocol !== 'https:') return 'must use https';
  if (isIP(host)) return isNonPublicAddress(host) ? 'must be a public address' : null;
  if (isLoopbackName(host) || host.endsWith('.internal') || host.endsWith('.local') || !host.includes('.')) {
    return 'must be a public host name';
  }
  return null;
}

/** Where a callback actually connects: the URL (for Host and TLS SNI) and the one address checked. */
export interface CallbackTarget {
  url: string;
  address: string;
  family: 4 | 6;
}

export type AddressLookup = (host: string) => Promise<{ address: string; family: number }[]>;
const systemLookup: AddressLookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * The rule again at send time, after resolving the name once: every address it has must pass,
 * and the connection is then made to the address checked here (see callbacks.ts), so a DNS
 * answer that changes between check and send (rebinding) cannot redirect it.
 */
export async function resolveCallbackTarget(raw: string, rules: CallbackUrlRules, lookup: AddressLookup = systemLookup): Promise<{ target: CallbackTarget } | { problem: string }> {
  const problem = callbackUrlProblem(raw, rules);
  if (problem) return { problem };
  const host = hostOf(new URL(raw));
  const allowed = (address: string) => !isNonPublicAddress(address) || (rules.allowLoopback && isLoopbackAddress(address));
  if (isIP(host)) return { target: { url: raw, address: host, family: isIP(host) as 4 | 6 } };
  let addresses: { address: string; family: number }[];
  try {
    addresses = await lookup(host);
  } catch {
    return { problem: 'host name does not resolve' };
  }
  if (addresses.length === 0) return { problem: 'host name does not resolve' };
  if (!addresses.every((a) => allowed(a.address))) return { problem: 'resolves to a non-public address' };
  const first = addresses[0]!;
  return { target: { url: raw, address: first.address, family: first.family === 6 ? 6 : 4 } };
}
