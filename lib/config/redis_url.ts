/**
 * `REDIS_URL` checks and a form safe to print: `redis://` or `rediss://`
 * (TLS), optional user and password, host, port and database number. A
 * password never appears in a log line or an error: {@linkcode redactRedisUrl}
 * replaces it before anything is printed.
 */

/** A usable Redis URL, or why it is not one (without its credentials). */
export type RedisUrlCheck =
  | { readonly ok: true; readonly url: string; readonly redacted: string }
  | { readonly ok: false; readonly problem: string };

/** Checks `text` as a Redis URL. */
export function checkRedisUrl(text: string): RedisUrlCheck {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      ok: false,
      problem:
        "expected redis://[user:password@]host[:port][/db] or rediss://…",
    };
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    return {
      ok: false,
      problem: `expected the redis: or rediss: scheme, got ${url.protocol}`,
    };
  }
  if (url.hostname === "") {
    return { ok: false, problem: "expected a host name" };
  }
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d{1,2}$/.test(db)) {
    return {
      ok: false,
      problem: "expected a database number as the path (e.g. /0)",
    };
  }
  if (url.search !== "" || url.hash !== "") {
    return { ok: false, problem: "expected no query or fragment" };
  }
  return { ok: true, url: text, redacted: redactRedisUrl(text) };
}

/** `text` with its password (if any) replaced by `***`. */
export function redactRedisUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== "") url.password = "***";
    return url.toString();
  } catch {
    return "(unparsable URL)";
  }
}
