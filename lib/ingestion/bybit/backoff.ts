/**
 * How long to wait after a failed poll.
 *
 * Ordinary faults (timeouts, 5xx, bad payloads) use "full jitter": a uniformly
 * random delay up to an exponentially growing ceiling. Randomising the whole
 * delay spreads out retries from many instances best (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"); the 1 s base and 15 s cap are the
 * original system's.
 *
 * Rate limits get a separate, much longer policy, because retrying early is
 * what keeps a rate limit in force:
 * - HTTP 403 from Bybit means the IP breached the limit (or the region is
 *   blocked); Bybit asks clients to stop for about 10 minutes, so we wait 10
 *   minutes plus up to 10 % jitter (instances restarted together do not
 *   return together).
 * - HTTP 429 and `retCode` 10006 are short-window protections (the public
 *   limit is counted per 5 s): "equal jitter" from a 30 s base doubling to a
 *   5 minute cap. Half the delay is fixed, so a rate-limited client never
 *   retries almost at once as full jitter could.
 * - A `Retry-After` from the exchange is honoured as sent, within 1 s and
 *   1 hour (a broken header must not park the service for days).
 */

/** Options of {@linkcode fullJitterDelay}. */
export interface FullJitterOptions {
  /** Ceiling of the first retry, in ms. Default 1,000. */
  readonly baseMs?: number;
  /** Largest ceiling, in ms. Default 15,000. */
  readonly capMs?: number;
  /** Uniform random source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/** Defaults of {@linkcode fullJitterDelay}: the original system's 1 s / 15 s. */
export const DEFAULT_BACKOFF = { baseMs: 1_000, capMs: 15_000 } as const;

/** Constants of {@linkcode rateLimitDelay}; see the module comment for why. */
export const RATE_LIMIT_BACKOFF = {
  /** Wait after an HTTP 403 (Bybit: stop for about 10 minutes). */
  forbiddenMs: 600_000,
  /** Extra random share added to the 403 wait. */
  forbiddenJitter: 0.1,
  /** First ceiling after a 429 or retCode 10006. */
  baseMs: 30_000,
  /** Largest ceiling after repeated 429 / 10006. */
  capMs: 300_000,
  /** Bounds applied to a `Retry-After` value. */
  minRetryAfterMs: 1_000,
  maxRetryAfterMs: 3_600_000,
} as const;

/** Exponents beyond this cannot matter (2^30 s is decades) and overflow. */
const MAX_EXPONENT = 30;

function ceiling(attempt: number, baseMs: number, capMs: number): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), MAX_EXPONENT);
  return Math.min(capMs, baseMs * 2 ** exponent);
}

/**
 * Full-jitter delay for the `attempt`-th consecutive failure (0 for the
 * first): `random() × min(cap, base × 2^attempt)`.
 */
export function fullJitterDelay(
  attempt: number,
  options: FullJitterOptions = {},
): number {
  const {
    baseMs = DEFAULT_BACKOFF.baseMs,
    capMs = DEFAULT_BACKOFF.capMs,
    random = Math.random,
  } = options;
  if (!(baseMs > 0)) throw new RangeError(`baseMs must be > 0, got ${baseMs}`);
  if (!(capMs >= baseMs)) {
    throw new RangeError(`capMs must be >= baseMs, got ${capMs}`);
  }
  return random() * ceiling(attempt, baseMs, capMs);
}

/** What {@linkcode rateLimitDelay} needs to know about the rejection. */
export interface RateLimitSignal {
  /** HTTP status of the rejection (403 waits longest). */
  readonly status?: number;
  /** `Retry-After` from the response, in ms, when it had one. */
  readonly retryAfterMs?: number;
}

/**
 * Delay after a rate-limit rejection; `attempt` counts consecutive rate-limit
 * failures from 0. `random` defaults to `Math.random`.
 */
export function rateLimitDelay(
  attempt: number,
  signal: RateLimitSignal,
  random: () => number = Math.random,
): number {
  const limits = RATE_LIMIT_BACKOFF;
  if (signal.retryAfterMs !== undefined) {
    return Math.min(
      limits.maxRetryAfterMs,
      Math.max(limits.minRetryAfterMs, signal.retryAfterMs),
    );
  }
  if (signal.status === 403) {
    return limits.forbiddenMs * (1 + limits.forbiddenJitter * random());
  }
  const high = ceiling(attempt, limits.baseMs, limits.capMs);
  return high / 2 + random() * (high / 2);
}

/**
 * Reads a `Retry-After` header (delta seconds or an HTTP date) as ms from
 * `now`; `undefined` when absent or unreadable.
 */
export function parseRetryAfter(
  header: string | null,
  now: number,
): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date) || !/[a-z]/i.test(value)) return undefined;
  return Math.max(0, date - now);
}
