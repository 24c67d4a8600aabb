/**
 * One market (spot or linear) on Bybit's public stream: its topics spread
 * over as many connections as the exchange's limits need (`topic_plan.ts`),
 * each reconnecting and resubscribing on its own; linear tickers merged from
 * snapshot and deltas (`ticker_book.ts`); and REST polling of the market
 * standing in for exactly the symbols the streams are not delivering.
 *
 * A symbol is "not delivered" when no valid ticker of it arrived for
 * `wsFallbackAfterMs` (whatever the cause: its connection is down, never
 * opened, went silent, or its topic was refused). REST then polls the market
 * and lets through only those symbols; a symbol's first ticker from the
 * stream hands it back, and REST pauses once none is left.
 *
 * Listings change at runtime: `setSymbols` adds topics to connections with
 * room (opening new ones when needed) and removes others, without touching
 * what stays. The first connection of a market opens at once; the others
 * within a jitter window, so a restart does not open them all in the same
 * instant.
 */
import type { TickAnalyzer } from "../../analytics/tick_analyzer.ts";
import type { Clock, TimerId } from "../../clock/clock.ts";
import type { LogLevel } from "../../config/config_schema.ts";
import type { MarketTick } from "../../market/market_tick.ts";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";
import type {
  MarketCategory,
  TrackedSymbol,
} from "../../market/tracked_symbol.ts";
import { readLinearTicker, toMarketTick } from "../bybit/bybit_schema.ts";
import { BybitWsClient, type WsPush } from "../bybit/bybit_ws_client.ts";
import {
  symbolRoutes,
  symbolTopics,
  type TopicRoute,
} from "../bybit/bybit_ws_schema.ts";
import { TickerBook } from "../bybit/ticker_book.ts";
import { FieldProblem } from "../bybit/decimal_fields.ts";
import {
  MAX_ARGS_CHARS_PER_CONNECTION,
  planTopics,
} from "../bybit/topic_plan.ts";
import type { WebSocketFactory } from "../bybit/web_socket_like.ts";
import type { WsClientState } from "../bybit/ws_client_state.ts";
import type { CycleBatcher } from "./cycle_batcher.ts";
import type {
  IngestConfig,
  LogFields,
  UpstreamState,
} from "./engine_contract.ts";
import { IngestLoop } from "./rest_ingest_loop.ts";

/** Default window over which a market's extra connections open, ms. */
export const DEFAULT_START_JITTER_MS = 1_000;

/** Options of {@linkcode CategoryFeed}. */
export interface CategoryFeedOptions {
  readonly category: MarketCategory;
  /** Upstream settings; the symbols of other markets are ignored. */
  readonly config: IngestConfig;
  /** Shared by every market and the fallbacks: edges continue across sources. */
  readonly analyzer: TickAnalyzer;
  /** Where the streams' ticks, trades and liquidations go (one report per push cycle). */
  readonly batcher: CycleBatcher;
  /** Where the REST fallback's ticks go (a poll is one report already). */
  readonly restTicks: (ticks: AnalyzedTick[]) => void;
  readonly clock: Clock;
  readonly random: () => number;
  readonly fetch?: typeof fetch;
  readonly connect?: WebSocketFactory;
  /** Args characters per connection. Default 21,000 (Bybit's limit). */
  readonly maxArgsChars?: number;
  /** Window over which extra connections open, ms. Default 1,000. */
  readonly startJitterMs?: number;
  /** Something worth reporting at once changed (connection, fallback). */
  readonly onChange: () => void;
  readonly log: (level: LogLevel, message: string, fields: LogFields) => void;
}

/** What a market's feed reports. */
export interface CategoryFeedState {
  readonly category: MarketCategory;
  readonly connections: readonly WsClientState[];
  /** REST stands in for some symbols now. */
  readonly fallbackActive: boolean;
  /** Symbols REST stands in for now. */
  readonly fallbackSymbols: number;
  /** The REST fallback's own state, once it has run. */
  readonly rest: UpstreamState | null;
  /** Last valid ticker from the stream. */
  readonly lastTickAt: number | null;
  /** Linear deltas that arrived with no snapshot (skipped). */
  readonly deltasWithoutSnapshot: number;
  /** Merged linear tickers that failed validation (skipped). */
  readonly tickersRejected: number;
  /** Times REST took over for some symbols. */
  readonly fallbacks: number;
  /**
   * Channel ids without data: REST found them unlisted while standing in
   * for them, or their ticker topic was refused and REST does not stand in.
   */
  readonly unavailableSymbols: readonly string[];
}

/** One market's streams, with REST standing in where they fail. */
export class CategoryFeed {
  readonly category: MarketCategory;
  #options: CategoryFeedOptions;
  #clock: Clock;
  #url: string;
  #routes = new Map<string, TopicRoute>();
  #clients: BybitWsClient[] = [];
  #topicClient = new Map<string, BybitWsClient>();
  #book = new TickerBook();
  #rest: IngestLoop;
  #restStarted = false;
  /** Per symbol: its last ticker from the stream, or when it was added. */
  #since = new Map<string, number>();
  #stale = new Set<string>();
  #checkTimer: TimerId | undefined;
  #startTimers = new Set<TimerId>();
  #started = false;
  #stopped = false;
  #labels = 0;
  #lastTickAt: number | null = null;
  #deltasWithoutSnapshot = 0;
  #tickersRejected = 0;
  #fallbacks = 0;
  #lastBadLogAt = -Infinity;

  /** Throws a `RangeError` for a bad URL or limit. */
  constructor(options: CategoryFeedOptions) {
    this.category = options.category;
    this.#options = options;
    this.#clock = options.clock;
    const { upstream } = options.config;
    this.#url = options.category === "spot"
      ? upstream.wsUrl
      : upstream.wsLinearUrl;
    const protocol = new URL(this.#url).protocol;
    if (protocol !== "ws:" && protocol !== "wss:") {
      throw new RangeError(`url must be ws(s), got ${protocol}`);
    }
    this.#rest = new IngestLoop({
      config: options.config,
      categories: [options.category],
      fetch: options.fetch,
      clock: options.clock,
      random: options.random,
      analyzer: options.analyzer,
      accept: (symbol) => this.#stale.has(symbol),
      onTicks: (ticks) => options.restTicks(ticks),
      onState: () => {
        if (this.#stale.size > 0) options.onChange();
      },
      onLog: (level, message, fields) =>
        options.log(level, message, {
          ...fields,
          via: "rest-fallback",
          market: this.category,
        }),
    });
    this.#follow(this.#mine(options.config.symbols), 0);
  }

  /** Connects the streams; REST waits until it is needed. Starts only once. */
  start(): void {
    if (this.#started) throw new Error("CategoryFeed was already started");
    this.#started = true;
    const now = this.#clock.now();
    for (const id of this.#since.keys()) this.#since.set(id, now);
    const jitter = this.#options.startJitterMs ?? DEFAULT_START_JITTER_MS;
    this.#clients.forEach((client, i) =>
      this.#startClient(client, i === 0 ? 0 : this.#options.random() * jitter)
    );
    this.#armCheck();
  }

  /** Follows the market's share of `symbols` from now on. */
  setSymbols(symbols: readonly TrackedSymbol[]): void {
    if (this.#stopped) return;
    const mine = this.#mine(symbols);
    this.#rest.setSymbols(mine);
    const jitter = this.#options.startJitterMs ?? DEFAULT_START_JITTER_MS;
    this.#follow(mine, jitter);
  }

  /** Connections open now. */
  get connections(): readonly BybitWsClient[] {
    return this.#clients;
  }

  /** A snapshot of the market's streams and fallback. */
  state(): CategoryFeedState {
    const rest = this.#restStarted ? this.#rest.state() : null;
    const active = this.#stale.size > 0;
    const connections = this.#clients.map((c) => c.state());
    // While REST stands in for a symbol, REST decides whether it is listed.
    const unavailable = connections.flatMap((c) => c.refusedSymbols).filter(
      (id) => !this.#stale.has(id),
    );
    if (active && rest !== null) {
      for (const id of rest.unavailableSymbols) {
        if (this.#stale.has(id)) unavailable.push(id);
      }
    }
    return {
      category: this.category,
      connections,
      fallbackActive: active,
      fallbackSymbols: this.#stale.size,
      rest,
      lastTickAt: this.#lastTickAt,
      deltasWithoutSnapshot: this.#deltasWithoutSnapshot,
      tickersRejected: this.#tickersRejected,
      fallbacks: this.#fallbacks,
      unavailableSymbols: unavailable,
    };
  }

  /** Closes every connection and stops polling; resolves once both ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#checkTimer !== undefined) {
      this.#clock.clearTimer(this.#checkTimer);
      this.#checkTimer = undefined;
    }
    for (const timer of this.#startTimers) this.#clock.clearTimer(timer);
    this.#startTimers.clear();
    for (const client of this.#clients) client.stop();
    await this.#rest.stop();
  }

  #mine(symbols: readonly TrackedSymbol[]): TrackedSymbol[] {
    return symbols.filter((s) => s.category === this.category);
  }

  /**
   * Plans the market's connections for `symbols` and applies the plan: new
   * routes first (so the first data of a new topic is recognised), then the
   * subscriptions, then the routes of what is gone.
   */
  #follow(symbols: readonly TrackedSymbol[], jitterMs: number): void {
    const wanted: string[] = [];
    const ids = new Set<string>();
    const now = this.#clock.now();
    for (const symbol of symbols) {
      ids.add(symbol.id);
      if (!this.#since.has(symbol.id)) this.#since.set(symbol.id, now);
      for (const [topic, route] of symbolRoutes(symbol)) {
        this.#routes.set(topic, route);
      }
      wanted.push(...symbolTopics(symbol));
    }
    const plan = planTopics(
      this.#clients.map((c) => c.topics()),
      wanted,
      this.#options.maxArgsChars ?? MAX_ARGS_CHARS_PER_CONNECTION,
    );
    const kept: BybitWsClient[] = [];
    const fresh: BybitWsClient[] = [];
    plan.connections.forEach((topics, i) => {
      const existing = this.#clients[i];
      if (existing === undefined) {
        const client = this.#newClient(topics);
        kept.push(client);
        fresh.push(client);
        return;
      }
      existing.remove(plan.removed[i]);
      existing.add(plan.added[i]);
      if (topics.length === 0) existing.stop();
      else kept.push(existing);
    });
    this.#clients = kept;
    if (this.#started) {
      for (const client of fresh) {
        this.#startClient(client, this.#options.random() * jitterMs);
      }
    }
    this.#topicClient.clear();
    for (const client of kept) {
      for (const topic of client.topics()) this.#topicClient.set(topic, client);
    }
    for (const [topic, route] of [...this.#routes]) {
      if (ids.has(route.id)) continue;
      this.#routes.delete(topic);
      this.#book.forget(route.id);
    }
    for (const id of [...this.#since.keys()]) {
      if (ids.has(id)) continue;
      this.#since.delete(id);
      this.#stale.delete(id);
    }
    if (this.#started && this.#stale.size === 0) this.#handBack();
  }

  #newClient(topics: readonly string[]): BybitWsClient {
    const { upstream } = this.#options.config;
    const client: BybitWsClient = new BybitWsClient({
      url: this.#url,
      topics,
      routes: this.#routes,
      label: `${this.category}#${++this.#labels}`,
      connectTimeoutMs: upstream.timeoutMs,
      silenceTimeoutMs: upstream.wsSilenceTimeoutMs,
      maxFrameChars: upstream.wsMaxFrameBytes,
      dataSilenceMs: upstream.wsDataSilenceMs,
      topicSilenceMs: upstream.wsTopicSilenceMs,
      connect: this.#options.connect,
      clock: this.#clock,
      random: this.#options.random,
      onPush: (push) => this.#onPush(client, push),
      onChange: (what) => {
        if (what === "connection") this.#options.onChange();
      },
      onLog: (level, message, fields) =>
        this.#options.log(level, message, { ...fields, market: this.category }),
    });
    return client;
  }

  #startClient(client: BybitWsClient, delayMs: number): void {
    if (delayMs <= 0) {
      client.start();
      return;
    }
    const timer = this.#clock.setTimer(() => {
      this.#startTimers.delete(timer);
      if (!this.#stopped && this.#clients.includes(client)) client.start();
    }, delayMs);
    this.#startTimers.add(timer);
  }

  #onPush(client: BybitWsClient, push: WsPush): void {
    switch (push.kind) {
      case "ticker":
        this.#deliver(push.tick, push.simulated);
        return;
      case "ticker-update": {
        const merged = this.#book.merge(push.id, push.type, push.data);
        if (merged === undefined) {
          this.#deltasWithoutSnapshot++;
          this.#noteBad(
            "Linear ticker delta without a snapshot; resubscribing",
            {
              symbol: push.id,
              deltasWithoutSnapshot: this.#deltasWithoutSnapshot,
            },
          );
          client.resubscribe([push.topic], "delta without snapshot");
          return;
        }
        const item = readLinearTicker(merged);
        if (item instanceof FieldProblem) {
          this.#tickersRejected++;
          this.#noteBad("Linear ticker rejected", {
            symbol: push.id,
            reason: item.toString(),
          });
          return;
        }
        this.#book.keep(push.id, merged);
        client.tickerDelivered();
        this.#deliver(toMarketTick(item, push.id, push.ts), push.simulated);
        return;
      }
      case "trades":
        this.#options.batcher.trades(push.trades);
        return;
      case "liquidations":
        this.#options.batcher.liquidations(push.liquidations);
        return;
    }
  }

  #deliver(tick: MarketTick, simulated: boolean): void {
    const now = this.#clock.now();
    this.#since.set(tick.symbol, now);
    this.#lastTickAt = now;
    if (this.#stale.delete(tick.symbol) && this.#stale.size === 0) {
      this.#handBack();
    }
    this.#options.batcher.tick(
      this.#options.analyzer.analyze(tick, simulated ? "simulator" : "ws"),
    );
  }

  /** Looks for symbols the streams stopped delivering, four times a period. */
  #armCheck(): void {
    const period = this.#options.config.upstream.wsFallbackAfterMs;
    this.#checkTimer = this.#clock.setTimer(() => {
      this.#checkTimer = undefined;
      if (this.#stopped) return;
      this.#checkStale();
      this.#armCheck();
    }, Math.max(50, period / 4));
  }

  #checkStale(): void {
    const now = this.#clock.now();
    const limit = this.#options.config.upstream.wsFallbackAfterMs;
    const before = this.#stale.size;
    for (const [id, since] of this.#since) {
      if (now - since >= limit) this.#stale.add(id);
    }
    if (before > 0 || this.#stale.size === 0) return;
    this.#fallbacks++;
    const connected = this.#clients.filter((c) => c.connected).length;
    this.#options.log("warn", "WebSocket down; REST polling takes over", {
      market: this.category,
      afterMs: limit,
      symbols: this.#stale.size,
      of: this.#since.size,
      connected,
      connections: this.#clients.length,
    });
    if (this.#restStarted) this.#rest.resume();
    else {
      this.#restStarted = true;
      this.#rest.start();
    }
    this.#options.onChange();
  }

  #handBack(): void {
    if (!this.#restStarted || this.#rest.paused) return;
    this.#rest.pause();
    this.#options.log("info", "WebSocket back; REST polling stopped", {
      market: this.category,
      fallbacks: this.#fallbacks,
    });
    this.#options.onChange();
  }

  /** Logs a skipped ticker at most once a second; the counters have all. */
  #noteBad(message: string, fields: LogFields): void {
    const now = this.#clock.now();
    if (now - this.#lastBadLogAt < 1_000) return;
    this.#lastBadLogAt = now;
    this.#options.log("warn", message, { ...fields, market: this.category });
  }
}
