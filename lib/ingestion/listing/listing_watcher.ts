/**
 * Keeps the exchange's listing of each followed market current with
 * `SYMBOLS=all`: reads it at start, then every refresh interval, and reports
 * each market's listing as read (`onListing`). The caller diffs it against
 * what it follows: a new listing starts streaming, a delisting stops.
 *
 * Faults never end it. A failed read is retried with full-jitter backoff
 * (1 s up to 1 min; rate limits wait as long as the exchange asks), while
 * the caller goes on serving what it knows. A listing past the cap is
 * refused with a clear log line and not retried before the next refresh:
 * reading it again at once would only refuse it again.
 */
import { type Clock, systemClock, type TimerId } from "../../clock/clock.ts";
import type { MarketCategory } from "../../market/tracked_symbol.ts";
import { fullJitterDelay, rateLimitDelay } from "../bybit/backoff.ts";
import {
  fetchListing,
  ListingTooLargeError,
  type MarketListing,
} from "../bybit/instruments_client.ts";
import { operatorSafeText, UpstreamError } from "../bybit/upstream_error.ts";

/** Backoff of failed reads: from 1 s, capped at 1 minute. */
export const LISTING_BACKOFF = { baseMs: 1_000, capMs: 60_000 } as const;

/** Where one market's listing stands. */
export interface MarketListingState {
  readonly category: MarketCategory;
  /**
   * `pending` before the first read ends, `loaded` after a good one,
   * `retrying` after a failed one, `refused` after one past the cap.
   */
  readonly status: "pending" | "loaded" | "retrying" | "refused";
  /** Followed instruments in the last good listing, or null before one. */
  readonly symbols: number | null;
  /** Epoch ms of the last good read, or null. */
  readonly loadedAt: number | null;
  /** The last failure, kept after recovery; null before any. */
  readonly lastError: string | null;
  /** When the next read starts, epoch ms; null once stopped. */
  readonly nextAttemptAt: number | null;
  /** Reads that failed since the last good one. */
  readonly consecutiveFailures: number;
}

/** Options of {@linkcode ListingWatcher}. */
export interface ListingWatcherOptions {
  readonly markets: readonly MarketCategory[];
  /** Full URL of `/v5/market/instruments-info`. */
  readonly url: string;
  /** Timeout of each page request, ms. */
  readonly timeoutMs: number;
  /** Most instruments accepted from one market's listing. */
  readonly maxInstruments: number;
  /** Interval between two good reads, ms. */
  readonly refreshMs: number;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Default: {@linkcode systemClock}. */
  readonly clock?: Clock;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** A market's listing was read. */
  onListing(listing: MarketListing): void;
  /** A read failed (`refused`: past the cap); the next is in `retryInMs`. */
  onFailure(
    category: MarketCategory,
    message: string,
    retryInMs: number,
    refused: boolean,
  ): void;
}

interface Market {
  state: MarketListingState;
  timer: TimerId | undefined;
  abort: AbortController | undefined;
  reading: Promise<void> | undefined;
  rateLimited: number;
}

/** Reads each market's listing now and then, whatever the exchange does. */
export class ListingWatcher {
  #options: ListingWatcherOptions;
  #clock: Clock;
  #random: () => number;
  #markets = new Map<MarketCategory, Market>();
  #started = false;
  #stopped = false;

  /** Throws a `RangeError` naming a bad interval, timeout or cap. */
  constructor(options: ListingWatcherOptions) {
    for (
      const [name, value] of [
        ["refreshMs", options.refreshMs],
        ["timeoutMs", options.timeoutMs],
        ["maxInstruments", options.maxInstruments],
      ] as const
    ) {
      if (!(value > 0 && Number.isFinite(value))) {
        throw new RangeError(`${name} must be > 0, got ${value}`);
      }
    }
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    for (const category of options.markets) {
      this.#markets.set(category, {
        state: {
          category,
          status: "pending",
          symbols: null,
          loadedAt: null,
          lastError: null,
          nextAttemptAt: null,
          consecutiveFailures: 0,
        },
        timer: undefined,
        abort: undefined,
        reading: undefined,
        rateLimited: 0,
      });
    }
  }

  /** Reads every market now. Starts only once. */
  start(): void {
    if (this.#started) throw new Error("ListingWatcher was already started");
    this.#started = true;
    for (const market of this.#markets.values()) this.#read(market);
  }

  /** Where each market's listing stands. */
  state(): MarketListingState[] {
    return [...this.#markets.values()].map((m) => m.state);
  }

  /** Cancels timers and reads in flight; resolves once they have ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const market of this.#markets.values()) {
      if (market.timer !== undefined) this.#clock.clearTimer(market.timer);
      market.timer = undefined;
      market.abort?.abort();
      market.state = { ...market.state, nextAttemptAt: null };
    }
    await Promise.all([...this.#markets.values()].map((m) => m.reading));
  }

  #read(market: Market): void {
    if (this.#stopped) return;
    const abort = new AbortController();
    market.abort = abort;
    market.reading = (async () => {
      const category = market.state.category;
      try {
        const listing = await fetchListing(category, {
          url: this.#options.url,
          timeoutMs: this.#options.timeoutMs,
          maxInstruments: this.#options.maxInstruments,
          fetch: this.#options.fetch,
          clock: this.#clock,
          signal: abort.signal,
        });
        if (this.#stopped) return;
        market.rateLimited = 0;
        const next = this.#clock.now() + this.#options.refreshMs;
        market.state = {
          category,
          status: "loaded",
          symbols: listing.symbols.length,
          loadedAt: this.#clock.now(),
          lastError: market.state.lastError,
          nextAttemptAt: next,
          consecutiveFailures: 0,
        };
        this.#arm(market, this.#options.refreshMs);
        this.#options.onListing(listing);
      } catch (error) {
        if (this.#stopped) return;
        this.#failed(market, error);
      }
    })();
  }

  #failed(market: Market, error: unknown): void {
    const refused = error instanceof ListingTooLargeError;
    const failures = market.state.consecutiveFailures + 1;
    let delay: number;
    if (refused) delay = this.#options.refreshMs;
    else if (error instanceof UpstreamError && error.kind === "rate-limited") {
      delay = rateLimitDelay(market.rateLimited++, {
        status: error.status,
        retryAfterMs: error.retryAfterMs,
      }, this.#random);
    } else {
      market.rateLimited = 0;
      delay = Math.max(
        100,
        fullJitterDelay(failures - 1, {
          ...LISTING_BACKOFF,
          random: this.#random,
        }),
      );
    }
    const message = operatorSafeText(
      error instanceof Error ? error.message : String(error),
    );
    market.state = {
      ...market.state,
      status: refused ? "refused" : "retrying",
      lastError: message,
      nextAttemptAt: this.#clock.now() + delay,
      consecutiveFailures: failures,
    };
    this.#arm(market, delay);
    this.#options.onFailure(market.state.category, message, delay, refused);
  }

  #arm(market: Market, delay: number): void {
    market.timer = this.#clock.setTimer(() => {
      market.timer = undefined;
      this.#read(market);
    }, delay);
  }
}
