/**
 * What the dashboard says about the exchange feed, in words for people. The
 * service reports failures as `kind: message` (for operators, e.g.
 * `network: Network error: fetch failed`); the page shows what that means
 * for a trader and keeps the original one click away.
 */

const PROBLEMS: readonly (readonly [RegExp, string])[] = [
  [/^network:/, "the exchange cannot be reached"],
  [/^timeout:/, "the exchange is not answering in time"],
  [/^rate-limited:/, "the exchange is limiting how often we may ask"],
  [/^http:/, "the exchange answered with an error"],
  [/^ret-code:/, "the exchange refused the request"],
  [
    /^(malformed-json|invalid-envelope):/,
    "the exchange sent data we could not read",
  ],
  [
    /^WebSocket down/,
    "the exchange's live stream is down, so prices are polled instead",
  ],
];

/**
 * The service's technical `detail` of an upstream problem as a phrase for
 * people (lower case, no full stop), or a generic phrase for anything else.
 */
export function describeUpstreamProblem(detail: string | undefined): string {
  if (detail !== undefined) {
    for (const [pattern, phrase] of PROBLEMS) {
      if (pattern.test(detail)) return phrase;
    }
  }
  return "the exchange feed has a problem";
}
