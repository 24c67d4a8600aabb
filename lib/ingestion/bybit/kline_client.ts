/**
 * Pages of `GET /v5/market/kline` for the start-up backfill, fetched
 * politely: requests start at most one every `minIntervalMs` (default
 * 250 ms: 4 a second against Bybit's 600 per 5 s per IP, shared with the
 * tickers poll) however many are in flight and whatever their market, each
 * request's `category` always passed (Bybit would default to linear), and on
 * a rate limit (HTTP 403/429, `retCode` 10006) the long waits of
 * `backoff.ts`: 10 minutes after a 403, 30 s doubling after a 429. Other
 * failures (timeouts, 5xx, server-busy codes) are retried with jitter a few
 * times; a parameter error is final.
 */
import { type Clock, systemClock, type TimerId } from "../../clock/clock.ts";
import { fullJitterDelay, rateLimitDelay } from "./backoff.ts";
import { getBybitJson } from "./bybit_request.ts";
import {
  type KlineInterval,
  type KlinePage,
  MAX_KLINE_LIMIT,
  parseKlinePage,
} from "./kline_schema.ts";
import { UpstreamError } from "./upstream_error.ts";
import type { MarketCategory } from "../../market/tracked_symbol.ts";

/** Path of the kline endpoint. */
export const KLINE_PATH = "/v5/market/kline";

/**
 * The kline URL on the same host as the configured tickers URL
 * (`…/v5/market/tickers` → `…/v5/market/kline`), without its query.
 */
export function klineUrlFrom(tickersUrl: string): string {
  const url = new URL(tickersUrl);
  url.search = "";
  url.hash = "";
  url.pathname = url.pathname.endsWith("/tickers")
    ? url.pathname.replace(/\/tickers$/, "/kline")
    : KLINE_PATH;
  return url.href;
}

/** One page request. Times are epoch ms, both ends inclusive. */
export interface KlineRequest {
  /** The market: spot pairs and USDT perpetuals have bars of their own. */
  readonly category: MarketCategory;
  /** The exchange's symbol within `category`, e.g. `BTCUSDT`. */
  readonly symbol: string;
  readonly interval: KlineInterval;
  readonly start?: number;
  readonly end?: number;
  /** Rows, 1–1000. Default 1000. */
  readonly limit?: number;
}

/** Options of {@linkcode KlineClient}. */
export interface KlineClientOptions {
  /** Full URL of `/v5/market/kline` (see {@linkcode klineUrlFrom}). */
  readonly klineUrl: string;
  /** Per-request timeout, ms. */
  readonly timeoutMs: number;
  /** Least time between two requests, ms. Default 250. */
  readonly minIntervalMs?: number;
  /** Tries of one page before giving up. Default 5. */
  readonly maxAttempts?: number;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Default: {@linkcode systemClock}. */
  readonly clock?: Clock;
  /** Uniform random source for jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** Told about each failure that will be retried, and after how long. */
  readonly onRetry?: (error: UpstreamError, delayMs: number) => void;
}

/** A paced, retrying reader of kline pages. */
export class KlineClient {
  #url: string;
  #options: KlineClientOptions;
  #clock: Clock;
  #minIntervalMs: number;
  /** No request starts before this (a failure's wait). */
  #pausedUntil = 0;
  #maxAttempts: number;
  #nextAt = -Infinity;
  #requests = 0;

  /** Throws a `RangeError` naming the option for a bad value. */
  constructor(options: KlineClientOptions) {
    const url = new URL(options.klineUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new RangeError(`klineUrl must be http(s), got ${url.protocol}`);
    }
    this.#minIntervalMs = options.minIntervalMs ?? 250;
    this.#maxAttempts = options.maxAttempts ?? 5;
    if (!(options.timeoutMs > 0)) {
      throw new RangeError(`timeoutMs must be > 0, got ${options.timeoutMs}`);
    }
    if (!(this.#minIntervalMs >= 0)) {
      throw new RangeError(
        `minIntervalMs must be 0 or more, got ${this.#minIntervalMs}`,
      );
    }
    if (!Number.isInteger(this.#maxAttempts) || this.#maxAttempts < 1) {
      throw new RangeError(
        `maxAttempts must be a positive integer, got ${this.#maxAttempts}`,
      );
    }
    this.#url = url.href;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Requests made so far (retries included). */
  get requests(): number {
    return this.#requests;
  }

  /**
   * One page, retried as the module comment says. Rejects with the last
   * {@linkcode UpstreamError}, or kind `aborted` when `signal` aborts
   * (waits included).
   */
  async fetchPage(
    request: KlineRequest,
    signal?: AbortSignal,
  ): Promise<KlinePage> {
    const limit = request.limit ?? MAX_KLINE_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_KLINE_LIMIT) {
      throw new RangeError(
        `limit must be an integer from 1 to ${MAX_KLINE_LIMIT}, got ${limit}`,
      );
    }
    const url = new URL(this.#url);
    url.searchParams.set("category", request.category);
    url.searchParams.set("symbol", request.symbol);
    url.searchParams.set("interval", request.interval);
    if (request.start !== undefined) {
      url.searchParams.set("start", String(request.start));
    }
    if (request.end !== undefined) {
      url.searchParams.set("end", String(request.end));
    }
    url.searchParams.set("limit", String(limit));
    let rateLimited = 0;
    for (let attempt = 0;; attempt++) {
      // Each request takes the next start slot, so requests in flight
      // together (a backfill filling several pairs) still start at most
      // one every `minIntervalMs`; a failure's wait (a rate limit above
      // all) holds every request back, those already waiting included.
      for (;;) {
        const at = Math.max(this.#nextAt, this.#pausedUntil, this.#clock.now());
        this.#nextAt = at + this.#minIntervalMs;
        await this.#sleep(at - this.#clock.now(), signal);
        if (this.#pausedUntil <= this.#clock.now()) break;
      }
      this.#requests++;
      try {
        const { body } = await getBybitJson(url.href, {
          timeoutMs: this.#options.timeoutMs,
          fetch: this.#options.fetch,
          clock: this.#clock,
          signal,
        });
        return parseKlinePage(body, {
          symbol: request.symbol,
          category: request.category,
        });
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        if (error.kind === "aborted" || !retryable(error)) throw error;
        if (attempt + 1 >= this.#maxAttempts) throw error;
        const random = this.#options.random ?? Math.random;
        const delay = error.kind === "rate-limited"
          ? rateLimitDelay(rateLimited++, error, random)
          : fullJitterDelay(attempt, { random });
        this.#options.onRetry?.(error, delay);
        this.#pausedUntil = Math.max(
          this.#pausedUntil,
          this.#clock.now() + delay,
        );
      }
    }
  }

  #sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(aborted());
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let timer: TimerId | undefined = undefined;
      const onAbort = () => {
        if (timer !== undefined) this.#clock.clearTimer(timer);
        reject(aborted());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      timer = this.#clock.setTimer(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
    });
  }
}

/** Parameter errors (`retCode` 10001 and the like) do not heal by waiting. */
function retryable(error: UpstreamError): boolean {
  if (error.kind !== "ret-code") return true;
  return error.retCode === 10000 || error.retCode === 10016;
}

function aborted(): UpstreamError {
  return new UpstreamError("aborted", "Kline request aborted: stopping");
}
