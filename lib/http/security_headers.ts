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
 * Adds the security headers to `response`. A 101 upgrade response is returned
 * untouched (its headers belong to the WebSocket handshake); a response with
 * immutable headers is copied.
 */
export function withSecurityHeaders(response: Response): Response {
  if (response.status === 101) return response;
  try {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      response.headers.set(name, value);
    }
    return response;
  } catch {
    const copy = new Response(response.body, response);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      copy.headers.set(name, value);
    }
    return copy;
  }
}
