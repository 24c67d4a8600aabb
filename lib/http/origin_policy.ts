/**
 * Cross-site WebSocket hijacking defence: a browser always sends `Origin` on a
 * WebSocket handshake, so a socket is accepted only when that origin equals —
 * by exact string comparison, never substring — the service's own origin or
 * one on the allowlist. The original's substring check let
 * `evil-localhost.com` through; exact equality cannot.
 */

/** Options of {@linkcode checkOrigin}. */
export interface OriginPolicy {
  /** Exact origins allowed besides the service's own. */
  readonly allowed: ReadonlySet<string>;
  /** Accept requests without an Origin header (non-browser clients). */
  readonly allowMissing: boolean;
}

/** The verdict; `reason` is safe to show the client. */
export type OriginVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks the `Origin` header value (`null` when absent) against `ownOrigin`
 * and the policy.
 */
export function checkOrigin(
  origin: string | null,
  ownOrigin: string,
  policy: OriginPolicy,
): OriginVerdict {
  if (origin === null) {
    return policy.allowMissing
      ? { ok: true }
      : { ok: false, reason: "An Origin header is required" };
  }
  if (origin === ownOrigin || policy.allowed.has(origin)) return { ok: true };
  return {
    ok: false,
    reason: "The page's origin is not allowed to open this socket",
  };
}

/**
 * The origin browsers use for this service as seen by `req`. When `req` came
 * through a trusted proxy (`forwarded`), the forwarded scheme and host are
 * used, since the proxy terminates TLS.
 */
export function ownOrigin(req: Request, forwarded: boolean): string {
  const url = new URL(req.url);
  if (forwarded) {
    const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
    const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() ??
      req.headers.get("host") ?? url.host;
    if ((proto === "http" || proto === "https") && host) {
      return `${proto}://${host}`;
    }
  }
  return url.origin;
}
