/**
 * The client's IP address for rate limits and socket caps. `X-Forwarded-For`
 * is honoured only behind a trusted proxy; otherwise anyone could pick their
 * own address and dodge every per-IP limit. Even then only the right-most
 * entry counts: it is the one our proxy appended, while anything left of it
 * came from the client and can be forged.
 */
import { isIP } from "node:net";

/**
 * The remote address of the connection, or — when `trustProxy` is set — the
 * right-most entry of `X-Forwarded-For` if it is a valid IP address.
 */
export function clientIp(
  req: Request,
  info: Deno.ServeHandlerInfo,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const forwarded = req.headers.get("x-forwarded-for");
    const last = forwarded?.split(",").at(-1)?.trim();
    if (last && isIP(last) !== 0) return last;
  }
  const address = info.remoteAddr;
  return address.transport === "tcp" || address.transport === "udp"
    ? address.hostname
    : "local";
}
