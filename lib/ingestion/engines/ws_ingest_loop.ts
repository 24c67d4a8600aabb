/**
 * WebSocket-first ingestion: Bybit's public stream feeds ticks and trades,
 * and REST polling takes over automatically while the stream is down.
 *
 * "Down" means no valid ticker for `wsFallbackAfterMs` (default 5 s) —
 * whether the socket closed, never opened, went silent or had every ticker
 * refused — so a stall switches to REST long before the 30 s silence that
 * declares the socket dead. The first valid ticker from the stream hands back:
 * polling pauses (an in-flight poll is aborted and discarded) and the mode
 * returns to `ws`. Flapping is bounded by the client's reconnect backoff.
 *
 * Both sources share one {@linkcode TickAnalyzer}, so velocity and whale
 * edges continue across a switch. State is emitted on every change and every
 * `stateIntervalMs`, which also serves as the worker's heartbeat.
 */
import { TickAnalyzer } from "../../analytics/tick_analyzer.ts";
import { BybitWsClient } from "../bybit/bybit_ws_client.ts";
import { type Clock, systemClock, type TimerId } from "../../clock/clock.ts";
import type {
  FeedMode,
  IngestCallbacks,
  IngestConfig,
  IngestEngine,
  UpstreamState,
} from "./engine_contract.ts";
import { IngestLoop } from "./rest_ingest_loop.ts";
import type { MarketTick } from "../../market/market_tick.ts";
import { EngineReporter } from "./callback_guard.ts";
import type { WebSocketFactory } from "../bybit/web_socket_like.ts";
import type { WsClientState } from "../bybit/ws_client_state.ts";

/** Default interval of state reports, ms. */
export const DEFAULT_STATE_INTERVAL_MS = 1_000;

/** Options of {@linkcode WsIngestLoop}. */
export interface WsIngestLoopOptions extends IngestCallbacks {
  /** `upstream.mode` is not consulted: this loop is the `ws` mode. */
  readonly config: IngestConfig;
  /** `fetch` of the REST fallback. Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Socket factory. Default: the runtime's `WebSocket`. */
  readonly connect?: WebSocketFactory;
  /** Default: {@linkcode systemClock}. */
  readonly clock?: Clock;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Interval of state reports, ms. Default {@linkcode DEFAULT_STATE_INTERVAL_MS}. */
  readonly stateIntervalMs?: number;
}

/** The stream, with REST polling standing in while it is down. */
export class WsIngestLoop implements IngestEngine {
  #report: EngineReporter;
  #clock: Clock;
  #analyzer: TickAnalyzer;
  #ws: BybitWsClient;
  #rest: IngestLoop;
  #fallbackAfterMs: number;
  #stateIntervalMs: number;

  #mode: Exclude<FeedMode, "rest"> = "ws";
  #started = false;
  #stopped = false;
  #startedAt = 0;
  #restStarted = false;
  #freshnessTimer: TimerId | undefined;
  #stateTimer: TimerId | undefined;
  #wsTicks = 0;
  #fallbacks = 0;

  /** Throws a `RangeError` for a bad URL, interval or timeout. */
  constructor(options: WsIngestLoopOptions) {
    const { upstream } = options.config;
    this.#fallbackAfterMs = upstream.wsFallbackAfterMs;
    this.#stateIntervalMs = options.stateIntervalMs ??
      DEFAULT_STATE_INTERVAL_MS;
    for (
      const [name, value] of [
        ["wsFallbackAfterMs", this.#fallbackAfterMs],
        ["stateIntervalMs", this.#stateIntervalMs],
      ] as const
    ) {
      if (!(value > 0 && Number.isFinite(value))) {
        throw new RangeError(`${name} must be > 0, got ${value}`);
      }
    }
    this.#report = new EngineReporter(options, () => this.state());
    this.#clock = options.clock ?? systemClock;
    this.#analyzer = new TickAnalyzer(options.config.thresholds);
    this.#rest = new IngestLoop({
      config: options.config,
      fetch: options.fetch,
      clock: this.#clock,
      random: options.random,
      analyzer: this.#analyzer,
      onTicks: (ticks) => this.#report.ticks(ticks),
      onState: () => {
        if (this.#mode === "rest-fallback") this.#report.state();
      },
      onLog: (level, message, fields) =>
        this.#report.log(level, message, { ...fields, via: "rest-fallback" }),
    });
    this.#ws = new BybitWsClient({
      url: upstream.wsUrl,
      symbols: options.config.symbols,
      connectTimeoutMs: upstream.timeoutMs,
      silenceTimeoutMs: upstream.wsSilenceTimeoutMs,
      maxFrameChars: upstream.wsMaxFrameBytes,
      connect: options.connect,
      clock: this.#clock,
      random: options.random,
      onTicker: (tick, simulated) => this.#onTicker(tick, simulated),
      onTrades: (trades) => this.#report.trades(trades),
      onChange: () => this.#report.state(),
      onLog: (level, message, fields) =>
        this.#report.log(level, message, fields),
    });
  }

  /** Connects the stream; REST waits until it is needed. Starts only once. */
  start(): void {
    if (this.#started) throw new Error("WsIngestLoop was already started");
    this.#started = true;
    this.#startedAt = this.#clock.now();
    this.#ws.start();
    this.#armFreshness();
    this.#armStateReports();
  }

  /** Replaces one symbol's whale threshold for the ticks that follow. */
  setThreshold(symbol: string, threshold: number): void {
    this.#analyzer.setThreshold(symbol, threshold);
  }

  /** Which source feeds ticks now. */
  get mode(): Exclude<FeedMode, "rest"> {
    return this.#mode;
  }

  /** The state of whichever source feeds ticks, with the stream's details. */
  state(): UpstreamState {
    const ws = this.#ws.state();
    const rest = this.#rest.state();
    const fallback = this.#mode === "rest-fallback";
    const now = this.#clock.now();
    const next = this.#stopped
      ? null
      : fallback
      ? rest.nextAttemptAt
      : ws.nextAttemptAt;
    const lastError = [ws.lastError, this.#restStarted ? rest.lastError : null]
      .filter((e) => e !== null)
      .sort((a, b) => b.at - a.at)[0] ?? null;
    return {
      source: fallback ? rest.source : ws.simulated ? "simulator" : "ws",
      mode: this.#mode,
      simulated: fallback ? rest.simulated : ws.simulated,
      host: fallback ? rest.host : ws.host,
      latencyMs: fallback ? rest.latencyMs : ws.latencyMs,
      lastSuccess: latest(ws.lastTickAt, rest.lastSuccess),
      lastAttempt: fallback ? rest.lastAttempt : ws.lastAttempt,
      consecutiveFailures: fallback
        ? rest.consecutiveFailures
        : ws.consecutiveFailures,
      lastError,
      nextAttemptAt: next,
      nextAttemptInMs: next === null ? null : Math.max(0, next - now),
      // While REST stands in, it decides what is listed; on the stream, a
      // symbol whose ticker topic was refused gets no data at all.
      unavailableSymbols: fallback
        ? rest.unavailableSymbols
        : ws.refusedSymbols,
      ws: wsSummary(ws),
      counters: {
        requests: rest.counters.requests,
        errors: rest.counters.errors + ws.counters.drops,
        itemsRejected: rest.counters.itemsRejected + ws.counters.itemsRejected,
        ticks: rest.counters.ticks + this.#wsTicks,
        trades: ws.counters.trades,
        wsMessages: ws.counters.messages,
        wsBadMessages: ws.counters.badMessages,
        wsConnects: ws.counters.connects,
        wsSubscribeRequests: ws.counters.subscribeRequests,
        wsRefusals: ws.counters.refusals,
        fallbacks: this.#fallbacks,
      },
    };
  }

  /** Closes the stream and stops polling; resolves once both have ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#report.mute();
    for (const timer of [this.#freshnessTimer, this.#stateTimer]) {
      if (timer !== undefined) this.#clock.clearTimer(timer);
    }
    this.#freshnessTimer = this.#stateTimer = undefined;
    this.#ws.stop();
    await this.#rest.stop();
  }

  #onTicker(tick: MarketTick, simulated: boolean): void {
    if (this.#mode === "rest-fallback") this.#handBack();
    this.#wsTicks++;
    this.#report.ticks([
      this.#analyzer.analyze(tick, simulated ? "simulator" : "ws"),
    ]);
  }

  /**
   * Watches for a ticker-less stretch lazily: one timer per fallback period,
   * re-armed from the last ticker, not one per frame.
   */
  #armFreshness(): void {
    if (this.#stopped || this.#mode !== "ws") return;
    const since = this.#ws.state().lastTickAt ?? this.#startedAt;
    const due = since + this.#fallbackAfterMs;
    this.#freshnessTimer = this.#clock.setTimer(() => {
      this.#freshnessTimer = undefined;
      const last = this.#ws.state().lastTickAt ?? this.#startedAt;
      if (this.#clock.now() - last >= this.#fallbackAfterMs) this.#fallBack();
      else this.#armFreshness();
    }, Math.max(0, due - this.#clock.now()));
  }

  #fallBack(): void {
    if (this.#stopped) return;
    this.#mode = "rest-fallback";
    this.#fallbacks++;
    const ws = this.#ws.state();
    this.#report.log("warn", "WebSocket down; REST polling takes over", {
      afterMs: this.#fallbackAfterMs,
      connected: ws.connected,
      reason: ws.lastError?.message ?? "no ticker received",
    });
    if (this.#restStarted) this.#rest.resume();
    else {
      this.#restStarted = true;
      this.#rest.start();
    }
    this.#report.state();
  }

  #handBack(): void {
    this.#rest.pause();
    this.#mode = "ws";
    this.#report.log("info", "WebSocket back; REST polling stopped", {
      fallbacks: this.#fallbacks,
    });
    this.#armFreshness();
    this.#report.state();
  }

  #armStateReports(): void {
    this.#stateTimer = this.#clock.setTimer(() => {
      this.#stateTimer = undefined;
      if (this.#stopped) return;
      this.#report.state();
      this.#armStateReports();
    }, this.#stateIntervalMs);
  }
}

function wsSummary(ws: WsClientState): UpstreamState["ws"] {
  return {
    host: ws.host,
    connected: ws.connected,
    connectedSince: ws.connectedSince,
    lastMessageAt: ws.lastMessageAt,
    activeTopics: ws.topics.active,
    pendingTopics: ws.topics.pending,
    refusedTopics: ws.topics.refused,
  };
}

function latest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
