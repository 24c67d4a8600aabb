/**
 * The simulated exchange as one object: the market, the fault control, and
 * the HTTP handler that serves them — REST tickers and the public spot
 * WebSocket (`/v5/public/spot`), both reading one shared market. Tests drive
 * it in-process through the same methods the control endpoint calls;
 * `handle` plugs into `Deno.serve`.
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
import type { SymbolSpec } from "./symbol_specs.ts";
import { type ContentFault, tickersResponse } from "./tickers_endpoint.ts";
import { KLINE_PATH, klineResponse } from "./kline_endpoint.ts";
import { SimWsFeed, type SimWsState } from "./sim_ws_feed.ts";
import type { ActiveWsFault, WsFaultOptions } from "./ws_fault_control.ts";
import type { WsFault } from "./ws_faults.ts";
import { spotWebSocketResponse } from "./ws_endpoint.ts";
import { SPOT_WS_PATH } from "./ws_messages.ts";

/** Path of the tickers endpoint. */
export const TICKERS_PATH = "/v5/market/tickers";
/** Request header that names a fault for that request only. */
export const FAULT_HEADER = "x-sim-fault";

/** Builds one REST answer from the market (see `tickers_endpoint.ts`). */
type RestResponder = (
  market: SimMarket,
  query: URLSearchParams,
  fault: ContentFault | null,
  now: number,
) => Response;

/** The REST market endpoints, by path, and the counter each one bumps. */
const REST_ENDPOINTS: Readonly<
  Record<string, { count: "tickers" | "kline"; respond: RestResponder }>
> = {
  [TICKERS_PATH]: { count: "tickers", respond: tickersResponse },
  [KLINE_PATH]: { count: "kline", respond: klineResponse },
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
  /** Listed symbols. Default: the simulator's own listing. */
  readonly specs?: readonly SymbolSpec[];
  /** Interval of WebSocket push cycles, ms. Default 50 (Bybit's spot rate). */
  readonly wsPushIntervalMs?: number;
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
  /** The public WebSocket: connections, pushes and its own standing fault. */
  readonly ws: SimWsState;
}

/** A Bybit-compatible simulated exchange (REST and public WebSocket). */
export class SimExchange {
  /** The market behind the answers; advance it directly in tests. */
  readonly market: SimMarket;
  readonly seed: number;
  #clock: Clock;
  #faults: FaultControl;
  #ws: SimWsFeed;
  #closing = new AbortController();
  #held = 0;
  #counts = { total: 0, tickers: 0, kline: 0, control: 0, notFound: 0 };

  /**
   * Throws a `RangeError` for an unknown start-up fault, a bad rate or a bad
   * push interval.
   */
  constructor(options: SimExchangeOptions = {}) {
    this.seed = options.seed ?? 42;
    this.#clock = options.clock ?? systemClock;
    this.market = new SimMarket({
      startMs: this.#clock.now(),
      seed: this.seed,
      specs: options.specs,
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
    if (options.wsFault !== undefined) this.setWsFault(options.wsFault);
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
    options: WsFaultOptions = {},
  ): ActiveWsFault {
    return this.#ws.setFault(fault, options);
  }

  /** Clears the standing WebSocket fault (silenced sockets stay silent). */
  clearWsFault(): void {
    this.#ws.clearFault();
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
      ws: this.#ws.state(),
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
    if (
      url.pathname === FAULT_PATH || url.pathname === WS_FAULT_PATH ||
      url.pathname === STATE_PATH
    ) {
      this.#counts.control++;
      return await controlResponse(this, request, url.pathname);
    }
    this.#counts.notFound++;
    return jsonResponse({
      error: "not_found",
      detail:
        "No such route; the simulator serves GET /v5/market/tickers, GET /v5/market/kline and the WebSocket /v5/public/spot",
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
    return respond(this.market, query, content, now);
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
