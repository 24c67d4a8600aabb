/**
 * One poll of Bybit's REST tickers: a single `GET {tickersUrl}?category=spot`
 * covering every tracked symbol (no `symbol=`, so the cost stays one request
 * per cycle however many symbols are tracked), bounded by a timeout, with
 * every failure classified as an {@linkcode UpstreamError}.
 */
import type { TrackedSymbol } from "../../market/tracked_symbol.ts";
import { parseRetryAfter } from "./backoff.ts";
import {
  parseSpotTickers,
  type SpotTickersParse,
  type SymbolTable,
  symbolTable,
} from "./bybit_schema.ts";
import { type Clock, systemClock } from "../../clock/clock.ts";
import { operatorSafeText, UpstreamError } from "./upstream_error.ts";

/** Response header by which the project's simulator identifies itself. */
export const SIMULATOR_HEADER = "x-sentinel-simulator";

/** Largest body accepted, in bytes: a full spot list is a few hundred KB. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Options of {@linkcode TickersPoller}. */
export interface TickersPollerOptions {
  /** Full URL of `/v5/market/tickers`; `category=spot` is set on it. */
  readonly tickersUrl: string;
  /** Per-request timeout (headers and body), in ms. */
  readonly timeoutMs: number;
  /** Tracked symbols: which list items to keep and their channel ids. */
  readonly symbols: readonly TrackedSymbol[];
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Default: {@linkcode systemClock}. */
  readonly clock?: Clock;
}

/** A successful poll. */
export interface PollResult extends SpotTickersParse {
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
    url.searchParams.delete("symbol");
    url.searchParams.set("category", "spot");
    this.#url = url.href;
    this.#host = url.host;
    this.#timeoutMs = options.timeoutMs;
    this.#table = symbolTable(options.symbols);
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#clock = options.clock ?? systemClock;
  }

  /** The host polled, for diagnostics (no credentials, path or query). */
  get host(): string {
    return this.#host;
  }

  /**
   * Performs one request. `signal` aborts it (the loop is stopping): the
   * promise then rejects with kind `aborted`. Every other failure rejects
   * with its classified {@linkcode UpstreamError}.
   */
  async poll(signal?: AbortSignal): Promise<PollResult> {
    const timeout = new AbortController();
    const timer = this.#clock.setTimer(
      () => timeout.abort(),
      this.#timeoutMs,
    );
    const combined = signal
      ? AbortSignal.any([signal, timeout.signal])
      : timeout.signal;
    const started = this.#clock.now();
    let simulated = false;
    try {
      const response = await this.#fetch(this.#url, {
        signal: combined,
        headers: { accept: "application/json" },
      });
      simulated = response.headers.get(SIMULATOR_HEADER) === "1";
      const text = await this.#readBody(response, simulated);
      const latencyMs = Math.max(0, this.#clock.now() - started);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new UpstreamError(
          "malformed-json",
          `Response is not JSON (${text.length} bytes)`,
          { status: response.status, simulated },
        );
      }
      return {
        ...this.#parse(body, response.status, simulated),
        latencyMs,
        simulated,
      };
    } catch (error) {
      throw classify(error, signal, timeout.signal, this.#timeoutMs, simulated);
    } finally {
      this.#clock.clearTimer(timer);
    }
  }

  async #readBody(response: Response, simulated: boolean): Promise<string> {
    const status = response.status;
    if (!response.ok) {
      await response.body?.cancel();
      const details = {
        status,
        simulated,
        retryAfterMs: parseRetryAfter(
          response.headers.get("retry-after"),
          this.#clock.now(),
        ),
      };
      if (status === 403 || status === 429) {
        throw new UpstreamError(
          "rate-limited",
          `HTTP ${status}: ${
            status === 403
              ? "rate limit breached or region blocked"
              : "too many requests"
          }`,
          details,
        );
      }
      throw new UpstreamError("http", `HTTP ${status} from upstream`, details);
    }
    const declared = Number(response.headers.get("content-length"));
    if (declared > MAX_BODY_BYTES) {
      await response.body?.cancel();
      throw tooLarge(declared, status, simulated);
    }
    const text = await response.text();
    if (text.length > MAX_BODY_BYTES) {
      throw tooLarge(text.length, status, simulated);
    }
    return text;
  }

  #parse(body: unknown, status: number, simulated: boolean): SpotTickersParse {
    try {
      return parseSpotTickers(body, this.#table);
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      throw new UpstreamError(error.kind, error.message, {
        status,
        retCode: error.retCode,
        simulated,
      });
    }
  }
}

function tooLarge(bytes: number, status: number, simulated: boolean) {
  return new UpstreamError(
    "invalid-envelope",
    `Response too large (${bytes} bytes, limit ${MAX_BODY_BYTES})`,
    { status, simulated },
  );
}

/** Turns whatever a poll threw into an {@linkcode UpstreamError}. */
function classify(
  error: unknown,
  stop: AbortSignal | undefined,
  timeout: AbortSignal,
  timeoutMs: number,
  simulated: boolean,
): UpstreamError {
  if (stop?.aborted) {
    return new UpstreamError("aborted", "Poll aborted: ingestion stopping");
  }
  if (timeout.aborted) {
    return new UpstreamError(
      "timeout",
      `No complete response within ${timeoutMs} ms`,
      { simulated },
    );
  }
  if (error instanceof UpstreamError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new UpstreamError(
    "network",
    `Network error: ${operatorSafeText(detail)}`,
    { simulated },
  );
}
