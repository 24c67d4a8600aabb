/**
 * DNS rebinding defence. A page on an attacker's name can make that name
 * resolve to this service; the browser then treats the service as the
 * attacker's own origin, sends `Host: attacker.example` and would pass any
 * own-origin check derived from `Host`. With `PUBLIC_ORIGIN` set, the
 * service answers only for that host: other requests get 421 Misdirected
 * Request. `/api/health` stays open so load balancers may probe by address.
 */
import { HttpError } from "../web/mod.ts";

/** A host (name, IPv4 or bracketed IPv6) with an optional port, nothing else. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Paths any host may reach. */
const ANY_HOST_PATHS = new Set(["/api/health"]);

/**
 * The host the client asked for: `X-Forwarded-Host` when the request came
 * through a trusted proxy (which may rewrite `Host`), else `Host`.
 */
function requestedHost(req: Request, forwarded: boolean): string {
  const viaProxy = forwarded
    ? req.headers.get("x-forwarded-host")?.split(",")[0]?.trim()
    : undefined;
  return viaProxy || req.headers.get("host") || new URL(req.url).host;
}

/**
 * Throws a 421 HttpError unless `req` asked for `publicOrigin`'s host (the
 * comparison ignores case and the scheme's default port).
 */
export function checkPublicHost(
  req: Request,
  pathname: string,
  forwarded: boolean,
  publicOrigin: string,
): void {
  if (ANY_HOST_PATHS.has(pathname)) return;
  const expected = new URL(publicOrigin);
  const host = requestedHost(req, forwarded);
  let matches = false;
  if (HOST.test(host)) {
    try {
      matches = new URL(`${expected.protocol}//${host}`).host === expected.host;
    } catch {
      matches = false;
    }
  }
  if (!matches) {
    throw new HttpError(
      421,
      "misdirected_request",
      `This service answers only for ${expected.host}`,
    );
  }
}
