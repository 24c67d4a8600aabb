/**
 * Bearer-token check for admin writes. Both sides are hashed before a
 * constant-time comparison, so neither the token's content nor its length
 * leaks through timing. With no token configured, writes are disabled (403)
 * rather than open.
 */
import { timingSafeEqual } from "node:crypto";
import { HttpError } from "../web/mod.ts";

async function sha256(text: string): Promise<Uint8Array> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return new Uint8Array(digest);
}

/**
 * Throws 403 when admin writes are disabled (`expected` undefined), 401 when
 * the request has no bearer token, 403 when the token is wrong.
 */
export async function requireAdmin(
  req: Request,
  expected: string | undefined,
): Promise<void> {
  if (expected === undefined) {
    throw new HttpError(
      403,
      "admin_disabled",
      "Admin writes are disabled: the server has no ADMIN_TOKEN configured",
    );
  }
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  if (!match) {
    throw new HttpError(
      401,
      "unauthorized",
      "Send the admin token as Authorization: Bearer <token>",
      { headers: { "www-authenticate": 'Bearer realm="sats-sentinel"' } },
    );
  }
  const [given, wanted] = await Promise.all([
    sha256(match[1]),
    sha256(expected),
  ]);
  if (!timingSafeEqual(given, wanted)) {
    throw new HttpError(403, "forbidden", "The admin token is not valid");
  }
}
