/**
 * One poll of Bybit's REST tickers: a single
 * `GET {tickersUrl}?category=<spot|linear>` covering every tracked symbol of
 * the category (no `symbol=`, so the cost stays one request
 * per cycle however many symbols are tracked), bounded by a timeout, with
 * every failure classified as an {@linkcode UpstreamError} (see
 * `bybit_request.ts`).
 */
import type {
  MarketCategory,
  TrackedSymbol,
} from "../../market/tracked_symbol.ts";
import {
  parseTickers,
  type SymbolTable,
  symbolTable,
  type TickersParse,
} from "./bybit_schema.ts";
import { type Clock, systemClock } from "../../clock/clock.ts";
import { getBybitJson } from "./bybit_request.ts";
import { parseInResponse } from "./upstream_error.ts";

export { MAX_BODY_BYTES, SIMULATOR_HEADER } from "./bybit_request.ts";

/** Options of {@linkcode TickersPoller}. */
export interface TickersPollerOptions {
  /** Full URL of `/v5/market/tickers`; `category` is set on it. */
  readonly tickersUrl: string;
  /** Which market to poll. Default `spot`. */
  readonly category?: MarketCategory;
  /** Per-request timeout (headers and body), in ms. */
  readonly timeoutMs: number;
  /**
   * Tracked symbols of the category: which list items to keep and their
   * channel ids (symbols of other categories are ignored).
   */
  readonly symbols: readonly TrackedSymbol[];
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Default: {@linkcode systemClock}. */
  readonly clock?: Clock;
}

/** A successful poll. */
export interface PollResult extends TickersParse {
  /** Request start to body read, in ms. */
  readonly latencyMs: number;
  /** The response carried `x-sentinel-simulator: 1`. */
  readonly simulated: boolean;
}

/** Polls the tickers endpoint; one instance per configuration. */
export class TickersPoller {
  #url: string;
  #host: string;
  #timeoutMs: number;
  #table: SymbolTable;
  #category: MarketCategory;
  #fetch: typeof fetch;
  #clock: Clock;

  /** Throws a `RangeError` for a non-positive timeout or a non-http URL. */
  constructor(options: TickersPollerOptions) {
    if (!(options.timeoutMs > 0)) {
      throw new RangeError(`timeoutMs must be > 0, got ${options.timeoutMs}`);
    }
    const url = new URL(options.tickersUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new RangeError(`tickersUrl must be http(s), got ${url.protocol}`);
    }
    this.#category = options.category ?? "spot";
    url.searchParams.delete("symbol");
    url.searchParams.set("category", this.#category);
    this.#url = url.href;
    this.#host = url.host;
    this.#timeoutMs = options.timeoutMs;
    this.#table = this.#tableOf(options.symbols);
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#clock = options.clock ?? systemClock;
  }

  /** The host polled, for diagnostics (no credentials, path or query). */
  get host(): string {
    return this.#host;
  }

  /** The market polled. */
  get category(): MarketCategory {
    return this.#category;
  }

  /** Follows `symbols` (of this category) from the next poll on. */
  setSymbols(symbols: readonly TrackedSymbol[]): void {
    this.#table = this.#tableOf(symbols);
  }

  #tableOf(symbols: readonly TrackedSymbol[]): SymbolTable {
    return symbolTable(symbols.filter((s) => s.category === this.#category));
  }

  /**
   * Performs one request. `signal` aborts it (the loop is stopping): the
   * promise then rejects with kind `aborted`. Every other failure rejects
   * with its classified {@linkcode UpstreamError}.
   */
  async poll(signal?: AbortSignal): Promise<PollResult> {
    const { body, status, latencyMs, simulated } = await getBybitJson(
      this.#url,
      {
        timeoutMs: this.#timeoutMs,
        fetch: this.#fetch,
        clock: this.#clock,
        signal,
      },
    );
    const parsed = parseInResponse(
      () => parseTickers(body, this.#table, this.#category),
      { status, simulated },
    );
    return { ...parsed, latencyMs, simulated };
  }
}
