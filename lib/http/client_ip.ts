/**
 * The client's IP address for rate limits and socket caps. `X-Forwarded-For`
 * is honoured only behind a trusted proxy; otherwise anyone could pick their
 * own address and dodge every per-IP limit.
 */

/**
 * The remote address of the connection, or — when `trustProxy` is set — the
 * left-most valid address in `X-Forwarded-For`.
 */
export function clientIp(
  req: Request,
  info: Deno.ServeHandlerInfo,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const forwarded = req.headers.get("x-forwarded-for");
    const first = forwarded?.split(",")[0]?.trim();
    if (first && /^[0-9A-Fa-f.:]{2,45}$/.test(first)) return first;
  }
  const address = info.remoteAddr;
  return address.transport === "tcp" || address.transport === "udp"
    ? address.hostname
    : "local";
}
