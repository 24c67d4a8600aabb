/**
 * The per-client request budgets of the edge: one token bucket each for the
 * API, for socket handshakes and for rendered pages (the dashboard, 404
 * pages and `/metrics`), so neither a polling script nor a connect-and-close
 * loop (each join replays history) nor a page-reload loop can take more
 * than its share. Static and build files are not counted: they are cheap
 * and cached. Refusals are counted per bucket for `/metrics`.
 */
import type { Clock } from "../clock/clock.ts";
import type { RateBucketName } from "../protocol/api_types.ts";
import { HttpError } from "../web/mod.ts";
import { TokenBucketLimiter } from "./token_bucket.ts";

/** A budget a request can draw from: `api`, `handshake` or `page`. */
export type RateBucket = RateBucketName;

/** Options of {@linkcode EdgeRateLimits}: requests per minute per client. */
export interface EdgeRateLimitOptions {
  /** `/api/*` (`API_RATE_LIMIT_PER_MINUTE`). */
  readonly apiPerMinute: number;
  /** `/ws/*`, including refused handshakes (`HANDSHAKE_RATE_LIMIT_PER_MINUTE`). */
  readonly handshakesPerMinute: number;
  /** Pages and `/metrics` (`PAGE_RATE_LIMIT_PER_MINUTE`). */
  readonly pagesPerMinute: number;
  /** Time buckets refill by. Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * The bucket `pathname` draws from, or undefined for files (`/_build/*`
 * and anything whose last segment has an extension, like `/styles.css`).
 */
export function rateBucket(pathname: string): RateBucket | undefined {
  if (pathname.startsWith("/api/")) return "api";
  if (pathname.startsWith("/ws/")) return "handshake";
  if (pathname.startsWith("/_build/")) return undefined;
  const last = pathname.slice(pathname.lastIndexOf("/") + 1);
  return last.includes(".") ? undefined : "page";
}

/** A token bucket per client key for each {@linkcode RateBucket}. */
export class EdgeRateLimits {
  readonly #limiters: Readonly<Record<RateBucket, TokenBucketLimiter>>;
  readonly #refused: Record<RateBucket, number> = {
    api: 0,
    handshake: 0,
    page: 0,
  };

  /** Creates the buckets; a non-positive rate is a RangeError. */
  constructor(options: EdgeRateLimitOptions) {
    const { clock } = options;
    this.#limiters = {
      api: new TokenBucketLimiter({ capacity: options.apiPerMinute, clock }),
      handshake: new TokenBucketLimiter({
        capacity: options.handshakesPerMinute,
        clock,
      }),
      page: new TokenBucketLimiter({ capacity: options.pagesPerMinute, clock }),
    };
  }

  /**
   * Takes a token for `key` (see `ip_key.ts`) from the bucket of `pathname`;
   * throws a 429 HttpError with `Retry-After` when it is empty.
   */
  take(pathname: string, key: string): void {
    const bucket = rateBucket(pathname);
    if (bucket === undefined) return;
    const decision = this.#limiters[bucket].take(key);
    if (decision.allowed) return;
    this.#refused[bucket]++;
    throw new HttpError(
      429,
      "rate_limited",
      `Too many requests; retry in ${decision.retryAfterSeconds} s`,
      { headers: { "retry-after": String(decision.retryAfterSeconds) } },
    );
  }

  /** Requests refused since start, per bucket. */
  refused(): Readonly<Record<RateBucket, number>> {
    return { ...this.#refused };
  }
}
