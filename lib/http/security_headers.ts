/**
 * Security headers on every response: no framing (clickjacking), no MIME
 * sniffing, no referrer leaks, and a CSP that allows only our own origin (so
 * pages carry no inline scripts or styles).
 */

/** The headers and their values. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
};

/**
 * `Strict-Transport-Security` for responses to HTTPS requests: browsers then
 * use only HTTPS for this host for a year. Not for subdomains, which this
 * service does not own. Sent only over HTTPS, where browsers heed it.
 */
export const HSTS_VALUE = "max-age=31536000";

/**
 * Whether `req` reached us over HTTPS: directly (TLS in `Deno.serve`), or
 * through a trusted proxy (`forwarded`) whose `X-Forwarded-Proto` says so.
 */
export function arrivedOverHttps(req: Request, forwarded: boolean): boolean {
  if (req.url.startsWith("https:")) return true;
  if (!forwarded) return false;
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0];
  return proto?.trim().toLowerCase() === "https";
}

/**
 * Adds the security headers to `response`, and HSTS when the request came
 * over `https`. A 101 upgrade response is returned untouched (its headers
 * belong to the WebSocket handshake); a response with immutable headers is
 * copied.
 */
export function withSecurityHeaders(
  response: Response,
  https = false,
): Response {
  if (response.status === 101) return response;
  const headers = https
    ? { ...SECURITY_HEADERS, "strict-transport-security": HSTS_VALUE }
    : SECURITY_HEADERS;
  let target = response;
  try {
    // Throws when the headers are immutable (e.g. `Response.redirect`).
    response.headers.set("x-content-type-options", "nosniff");
  } catch {
    target = new Response(response.body, response);
  }
  for (const [name, value] of Object.entries(headers)) {
    target.headers.set(name, value);
  }
  return target;
}
