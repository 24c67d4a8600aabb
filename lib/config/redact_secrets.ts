/**
 * Removes what may be a secret from text about a configuration value before
 * it is printed: start-up errors quote the bad value so an operator can find
 * it, but a URL can carry credentials (`user:password@`) or a token in its
 * query, and a mistyped variable may hold an API key. What is left still
 * names the host and path, which is what the operator needs.
 */

/** `user:password@` after `//` or at the start of a word: the userinfo. */
const USERINFO = /(^|[\s"'(,=]|\/\/)[^\s/?#@"',]+@/g;

/** The query and fragment of anything that follows a `//`. */
const QUERY = /(\/\/[^\s?#"'<>]*)[?#][^\s"'<>]*/g;

/** A run of 24+ token characters with both letters and digits: a key. */
const OPAQUE_TOKEN =
  /(?<![A-Za-z0-9_+-])(?=[A-Za-z0-9_+-]*\d)(?=[A-Za-z0-9_+-]*[A-Za-z])[A-Za-z0-9_+-]{24,}(?![A-Za-z0-9_+-])/g;

/**
 * `text` with URL userinfo replaced by `***@`, URL queries and fragments by
 * `?…`, and long opaque tokens by `***`.
 */
export function redactSecrets(text: string): string {
  return text.replace(USERINFO, "$1***@")
    .replace(QUERY, "$1?…")
    .replace(OPAQUE_TOKEN, "***");
}
