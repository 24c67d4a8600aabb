/**
 * The key per-client limits count by. One IPv4 address is one key; an IPv6
 * client is keyed by its /64, because a single host usually owns a whole
 * /64 and could otherwise rotate through 2^64 addresses to dodge every
 * per-IP limit (API rate, socket cap, handshake and page buckets).
 */
import { formatIpAddress, parseIpAddress } from "../protocol/ip_address.ts";

/** `a.b.c.d` for IPv4 (mapped or not), `w:x:y:z::/64` for IPv6, else `ip`. */
export function ipKey(ip: string): string {
  const address = parseIpAddress(ip);
  if (address === undefined) return ip;
  return address.v4
    ? formatIpAddress(address)
    : `${formatIpAddress(address, 4)}::/64`;
}
