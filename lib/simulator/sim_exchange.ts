/**
 * The simulated exchange as one object: two markets (spot pairs and USDT
 * perpetuals), the fault control, and the HTTP handler that serves them —
 * REST tickers, klines and instruments, and the public WebSockets
 * (`/v5/public/spot`, `/v5/public/linear`), each reading its shared market.
 * Listings change at runtime (`list`, `delist`, or the control endpoint).
 * Tests drive it in-process through the same methods the control endpoint
 * calls; `handle` plugs into `Deno.serve`.
 *
 * Requests held back by `latency:<ms>` or `timeout` are released when the
 * client goes away (the request's signal aborts) or the exchange closes, and
 * their timers are cleared at once, so nothing outlives its request.
 */
import { errorResponse, HttpError, jsonResponse } from "../web/mod.ts";
import { type Clock, systemClock, type TimerId } from "../clock/clock.ts";
import { SIMULATOR_HEADER } from "../ingestion/bybit/tickers_poller.ts";
import {
  controlResponse,
  FAULT_PATH,
  LISTING_PATH,
  STATE_PATH,
  WS_FAULT_PATH,
} from "./control_endpoint.ts";
import {
  type ActiveFault,
  FaultControl,
  type FaultOptions,
} from "./fault_control.ts";
import { type Fault, parseFault } from "./faults.ts";
import { SimMarket } from "./market_model.ts";
import {
  DEFAULT_PERP_SPECS,
  DEFAULT_SYMBOL_SPECS,
  type SymbolSpec,
} from "./symbol_specs.ts";
import { type ContentFault, tickersResponse } from "./tickers_endpoint.ts";
import { KLINE_PATH, klineResponse } from "./kline_endpoint.ts";
import { SimWsFeed, type SimWsState } from "./sim_ws_feed.ts";
import type { ActiveWsFault, WsFaultOptions } from "./ws_fault_control.ts";
import type { WsFault } from "./ws_faults.ts";
import { spotWebSocketResponse } from "./ws_endpoint.ts";
import { LINEAR_WS_PATH, SPOT_WS_PATH } from "./ws_messages.ts";
import {
  INSTRUMENTS_PATH,
  instrumentsResponse,
} from "./instruments_endpoint.ts";
import { specForName, syntheticSpecs } from "./synthetic_specs.ts";

/** Path of the tickers endpoint. */
export const TICKERS_PATH = "/v5/market/tickers";
/** Request header that names a fault for that request only. */
export const FAULT_HEADER = "x-sim-fault";

/** A market the simulator lists. */
export type SimCategory = "spot" | "linear";

/** Both markets, by category. */
type Markets = Readonly<Record<SimCategory, SimMarket>>;

/** Builds one REST answer from the markets (see `tickers_endpoint.ts`). */
type RestResponder = (
  markets: Markets,
  query: URLSearchParams,
  fault: ContentFault | null,
  now: number,
) => Response;

/** The market a request's `category` names, if simulated. */
function named(markets: Markets, query: URLSearchParams) {
  const category = query.get("category");
  return category === "spot" || category === "linear"
    ? markets[category]
    : undefined;
}

/** The REST market endpoints, by path, and the counter each one bumps. */
const REST_ENDPOINTS: Readonly<
  Record<
    string,
    { count: "tickers" | "kline" | "instruments"; respond: RestResponder }
  >
> = {
  [TICKERS_PATH]: {
    count: "tickers",
    respond: (markets, query, fault, now) =>
      tickersResponse(named(markets, query), query, fault, now),
  },
  [KLINE_PATH]: {
    count: "kline",
    respond: (markets, query, fault, now) =>
      klineResponse(named(markets, query), query, fault, now),
  },
  [INSTRUMENTS_PATH]: { count: "instruments", respond: instrumentsResponse },
};

/** Options of {@linkcode SimExchange}. */
export interface SimExchangeOptions {
  /** Seed of the market and of the fault dice. Default 42. */
  readonly seed?: number;
  /**
   * Time for the market (it advances to `now()` on every tickers request),
   * the envelope's `time`, and `latency` timers. Default: the system clock.
   */
  readonly clock?: Clock;
  /** Standing fault from the start (e.g. `SIM_FAULT`). Default: none. */
  readonly fault?: Fault | string;
  /** Probability that the start-up `fault` hits a request. Default 1. */
  readonly faultRate?: number;
  /** Listed spot pairs. Default: the simulator's own listing. */
  readonly specs?: readonly SymbolSpec[];
  /** Listed perpetuals. Default: the majors' (`DEFAULT_PERP_SPECS`). */
  readonly linearSpecs?: readonly SymbolSpec[];
  /**
   * Synthetic spot pairs listed beside those (`SIM_SYMBOLS`), for demos and
   * the benchmark. Default 0.
   */
  readonly syntheticSymbols?: number;
  /**
   * How many of the synthetic pairs are also listed as perpetuals
   * (`SIM_PERP_SYMBOLS`). Default: two in three.
   */
  readonly syntheticPerps?: number;
  /** Interval of WebSocket push cycles, ms. Default 50 (Bybit's spot rate). */
  readonly wsPushIntervalMs?: number;
  /** Interval of linear push cycles, ms. Default 100 (Bybit's linear rate). */
  readonly linearPushIntervalMs?: number;
  /** Standing WebSocket fault from the start (e.g. `SIM_WS_FAULT`). Default: none. */
  readonly wsFault?: WsFault | string;
}

/** Everything `GET /__sim/state` reports. */
export interface SimState {
  readonly seed: number;
  readonly activeFault: ActiveFault | null;
  /** Requests seen, by route. */
  readonly requests: {
    readonly total: number;
    readonly tickers: number;
    readonly kline: number;
    readonly instruments: number;
    readonly control: number;
    readonly notFound: number;
  };
  /** Tickers requests hit, by canonical fault name. */
  readonly faultsApplied: Record<string, number>;
  /** Requests held now by `latency` or `timeout`. */
  readonly held: number;
  readonly market: {
    readonly time: number;
    readonly steps: number;
    readonly symbols: string[];
    readonly lastTradeSeq: number;
  };
  /** The perpetuals: listed symbols and the newest liquidation. */
  readonly linear: {
    readonly symbols: string[];
    readonly lastTradeSeq: number;
    readonly lastLiquidationSeq: number;
  };
  /** The public spot WebSocket: connections, pushes and its standing fault. */
  readonly ws: SimWsState;
  /** The public linear WebSocket. */
  readonly wsLinear: SimWsState;
}

/** A Bybit-compatible simulated exchange (REST and public WebSocket). */
export class SimExchange {
  /** The spot market behind the answers; advance it directly in tests. */
  readonly market: SimMarket;
  /** The perpetuals' market. */
  readonly linearMarket: SimMarket;
  readonly seed: number;
  #clock: Clock;
  #faults: FaultControl;
  #ws: SimWsFeed;
  #wsLinear: SimWsFeed;
  #closing = new AbortController();
  #held = 0;
  #counts = {
    total: 0,
    tickers: 0,
    kline: 0,
    instruments: 0,
    control: 0,
    notFound: 0,
  };

  /**
   * Throws a `RangeError` for an unknown start-up fault, a bad rate or a bad
   * push interval.
   */
  constructor(options: SimExchangeOptions = {}) {
    this.seed = options.seed ?? 42;
    this.#clock = options.clock ?? systemClock;
    const spot = options.specs ?? DEFAULT_SYMBOL_SPECS;
    const synthetic = syntheticSpecs(
      options.syntheticSymbols ?? 0,
      this.seed,
      new Set(spot.map((s) => s.symbol)),
    );
    const perps = Math.min(
      synthetic.length,
      options.syntheticPerps ?? Math.round(synthetic.length * 2 / 3),
    );
    if (!(Number.isInteger(perps) && perps >= 0)) {
      throw new RangeError(
        `syntheticPerps must be a non-negative integer, got ${options.syntheticPerps}`,
      );
    }
    this.market = new SimMarket({
      startMs: this.#clock.now(),
      seed: this.seed,
      specs: [...spot, ...synthetic],
    });
    this.linearMarket = new SimMarket({
      startMs: this.#clock.now(),
      seed: this.seed ^ 0x11_7ea2,
      category: "linear",
      specs: [
        ...(options.linearSpecs ?? DEFAULT_PERP_SPECS),
        // Synthetic perpetuals trade like their pairs: the default lines
        // (one set for every symbol) then fit both.
        ...synthetic.slice(0, perps),
      ],
    });
    // A different seed for the dice: the same seed must not correlate the
    // fault pattern with the market's first draws.
    this.#faults = new FaultControl(this.seed ^ 0x5eed_fa17);
    if (options.fault !== undefined) {
      this.setFault(options.fault, { rate: options.faultRate });
    }
    this.#ws = new SimWsFeed({
      market: this.market,
      clock: this.#clock,
      pushIntervalMs: options.wsPushIntervalMs,
    });
    this.#wsLinear = new SimWsFeed({
      market: this.linearMarket,
      clock: this.#clock,
      pushIntervalMs: options.linearPushIntervalMs ?? 100,
    });
    if (options.wsFault !== undefined) this.setWsFault(options.wsFault);
  }

  /** The market of `category`. */
  marketOf(category: SimCategory): SimMarket {
    return category === "spot" ? this.market : this.linearMarket;
  }

  /**
   * Lists `symbol` (e.g. `NEWUSDT`) in `category` from now on, with market
   * parameters drawn from its name; returns false when it is listed already.
   */
  list(category: SimCategory, symbol: string): boolean {
    const market = this.marketOf(category);
    market.advanceTo(this.#clock.now());
    return market.list(specForName(symbol, this.seed));
  }

  /**
   * Liquidates a `side` position of perpetual `symbol` for `notional` USDT
   * at its current price, pushed with the next linear cycle. Returns false
   * when `symbol` is not a listed perpetual.
   */
  liquidate(symbol: string, side: "Buy" | "Sell", notional: number): boolean {
    const market = this.linearMarket;
    market.advanceTo(this.#clock.now());
    const price = Number(
      (market.ticker(symbol) as { lastPrice?: string } | undefined)?.lastPrice,
    );
    if (!(price > 0)) return false;
    return market.injectLiquidation(
      symbol,
      side,
      String(price),
      (notional / price).toPrecision(8),
    );
  }

  /** Delists `symbol` from `category`; returns false when it was not listed. */
  delist(category: SimCategory, symbol: string): boolean {
    return this.marketOf(category).delist(symbol);
  }

  /**
   * Sets the standing fault (a name or a parsed fault). Throws a
   * `RangeError` for an unknown name, a bad count or a bad rate.
   */
  setFault(fault: Fault | string, options: FaultOptions = {}): ActiveFault {
    if (typeof fault === "string") {
      const parsed = parseFault(fault);
      if (!parsed.ok) throw new RangeError(capitalise(parsed.detail));
      fault = parsed.fault;
    }
    return this.#faults.set(fault, options);
  }

  /** Clears the standing fault: requests are answered normally again. */
  clearFault(): void {
    this.#faults.clear();
  }

  /**
   * Sets the standing WebSocket fault (see `ws_faults.ts`); `close` and
   * `silence` hit open connections at once. Throws a `RangeError` for an
   * unknown name or a bad count.
   */
  setWsFault(
    fault: WsFault | string,
    options: WsFaultOptions & { readonly market?: SimCategory } = {},
  ): ActiveWsFault {
    const feed = options.market === "linear" ? this.#wsLinear : this.#ws;
    return feed.setFault(fault, options);
  }

  /** Clears both streams' standing faults (silenced sockets stay silent). */
  clearWsFault(): void {
    this.#ws.clearFault();
    this.#wsLinear.clearFault();
  }

  /** A snapshot of the fault state, counts and market position. */
  state(): SimState {
    return {
      seed: this.seed,
      activeFault: this.#faults.active,
      requests: { ...this.#counts },
      faultsApplied: this.#faults.applied,
      held: this.#held,
      market: {
        time: this.market.time,
        steps: this.market.steps,
        symbols: this.market.symbols,
        lastTradeSeq: this.market.lastTradeSeq,
      },
      linear: {
        symbols: this.linearMarket.symbols,
        lastTradeSeq: this.linearMarket.lastTradeSeq,
        lastLiquidationSeq: this.linearMarket.lastLiquidationSeq,
      },
      ws: this.#ws.state(),
      wsLinear: this.#wsLinear.state(),
    };
  }

  /**
   * Releases every held request (answered 503) and every one that arrives
   * later, and closes every WebSocket. Call before shutting the server down:
   * a `timeout` request or an open socket would otherwise keep it waiting
   * for ever.
   */
  close(): void {
    this.#closing.abort();
    this.#ws.close();
    this.#wsLinear.close();
  }

  /** The HTTP handler; every answer carries `x-sentinel-simulator: 1`. */
  handle = async (request: Request): Promise<Response> => {
    let response: Response;
    try {
      response = await this.#route(request);
    } catch (error) {
      response = errorResponse(error);
    }
    response.headers.set(SIMULATOR_HEADER, "1");
    return response;
  };

  async #route(request: Request): Promise<Response> {
    this.#counts.total++;
    const url = new URL(request.url);
    const rest = REST_ENDPOINTS[url.pathname];
    if (rest) {
      this.#counts[rest.count]++;
      if (request.method !== "GET") {
        throw new HttpError(405, "method_not_allowed", "Use GET", {
          headers: { allow: "GET" },
        });
      }
      return await this.#answer(request, url.searchParams, rest.respond);
    }
    if (url.pathname === SPOT_WS_PATH) {
      return spotWebSocketResponse(request, this.#ws);
    }
    if (url.pathname === LINEAR_WS_PATH) {
      return spotWebSocketResponse(request, this.#wsLinear);
    }
    if (
      url.pathname === FAULT_PATH || url.pathname === WS_FAULT_PATH ||
      url.pathname === STATE_PATH || url.pathname === LISTING_PATH
    ) {
      this.#counts.control++;
      return await controlResponse(this, request, url.pathname);
    }
    this.#counts.notFound++;
    return jsonResponse({
      error: "not_found",
      detail:
        "No such route; the simulator serves GET /v5/market/tickers, /v5/market/kline and /v5/market/instruments-info, and the WebSockets /v5/public/spot and /v5/public/linear",
    }, 404);
  }

  /**
   * Answers a REST market request: the fault it suffers (named on the
   * request, else the standing one) decides when and how; `respond` builds
   * the answer from the market advanced to now.
   */
  async #answer(
    request: Request,
    query: URLSearchParams,
    respond: RestResponder,
  ): Promise<Response> {
    const named = query.get("fault") ?? request.headers.get(FAULT_HEADER);
    let requested: Fault | undefined;
    if (named !== null) {
      const parsed = parseFault(named);
      if (!parsed.ok) {
        throw new HttpError(400, "unknown_fault", capitalise(parsed.detail));
      }
      requested = parsed.fault;
    }
    const fault = this.#faults.take(requested);
    let content: ContentFault | null = null;
    if (fault?.kind === "timeout" || fault?.kind === "latency") {
      const elapsed = await this.#hold(
        request.signal,
        fault.kind === "latency" ? fault.ms : null,
      );
      if (!elapsed) {
        return jsonResponse({
          error: "released",
          detail: "The simulator released this request without an answer",
        }, 503);
      }
    } else {
      content = fault;
    }
    const now = this.#clock.now();
    this.market.advanceTo(now);
    this.linearMarket.advanceTo(now);
    return respond(
      { spot: this.market, linear: this.linearMarket },
      query,
      content,
      now,
    );
  }

  /**
   * Waits `ms` (or for ever with `null`); resolves `true` when the time
   * elapsed, `false` when the client left or the exchange closed first.
   */
  #hold(signal: AbortSignal, ms: number | null): Promise<boolean> {
    const closing = this.#closing.signal;
    return new Promise((resolve) => {
      let timer: TimerId | undefined;
      let done = false;
      const finish = (elapsed: boolean) => {
        if (done) return;
        done = true;
        if (timer !== undefined) this.#clock.clearTimer(timer);
        signal.removeEventListener("abort", release);
        closing.removeEventListener("abort", release);
        this.#held--;
        resolve(elapsed);
      };
      const release = () => finish(false);
      this.#held++;
      if (signal.aborted || closing.aborted) return release();
      signal.addEventListener("abort", release);
      closing.addEventListener("abort", release);
      if (ms !== null) timer = this.#clock.setTimer(() => finish(true), ms);
    });
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
