/**
 * Who sent a request: the client IP for rate limits, socket caps and the
 * audit trail, and whether forwarding headers may be believed. Anyone can
 * send `X-Forwarded-*`; they count only when the connection itself comes
 * from a trusted proxy (`TRUSTED_PROXIES`). Even then the client is the
 * right-most address of `X-Forwarded-For` that is not a trusted proxy: each
 * proxy appends the address it saw, so everything left of that hop came from
 * the client and may be forged.
 */
import { parseIpAddress } from "../protocol/ip_address.ts";
import type { TrustedProxies } from "./trusted_proxies.ts";

/** The resolved sender of a request. */
export interface ClientAddress {
  /** The client's IP address (`local` for a Unix socket peer). */
  readonly ip: string;
  /**
   * The connection came from a trusted proxy, so its `X-Forwarded-Proto`
   * and `X-Forwarded-Host` describe the client's request.
   */
  readonly forwarded: boolean;
}

/** Resolves the client of `req` arriving over `info`'s connection. */
export function resolveClient(
  req: Request,
  info: Deno.ServeHandlerInfo,
  proxies: TrustedProxies,
): ClientAddress {
  const address = info.remoteAddr;
  const peer = address.transport === "tcp" || address.transport === "udp"
    ? address.hostname
    : "local";
  if (!proxies.contains(peer)) return { ip: peer, forwarded: false };
  const hops = req.headers.get("x-forwarded-for")?.split(",") ?? [];
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i].trim();
    if (parseIpAddress(hop) === undefined) break;
    client = hop;
    if (!proxies.contains(hop)) break;
  }
  return { ip: client, forwarded: true };
}
