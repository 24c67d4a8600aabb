/**
 * WebSocket-first ingestion: Bybit's public streams feed ticks, trades and
 * liquidations, one {@linkcode CategoryFeed} per market (spot, linear), each
 * spreading its topics over as many connections as the exchange's limits
 * need, and REST polling of a market standing in for exactly the symbols its
 * streams are not delivering.
 *
 * "Not delivering" means no valid ticker for `wsFallbackAfterMs` (default
 * 5 s) — whether a connection closed, never opened, went silent or had its
 * topics refused — so a stall switches to REST long before the 30 s silence
 * that declares a socket dead. A symbol's first ticker from the stream hands
 * it back. The mode reads `rest-fallback` while REST stands in for any symbol.
 *
 * What the streams deliver is reported once per push cycle
 * (`cycle_batcher.ts`), not once per frame: at whole-market scale that is
 * the difference between a hundred reports a second and sixteen thousand.
 * Every market shares one {@linkcode TickAnalyzer}, so velocity and whale
 * edges continue across a switch. State is reported on every change of a
 * connection or fallback and every `stateIntervalMs`, which also serves as
 * the worker's heartbeat.
 */
import { TickAnalyzer } from "../../analytics/tick_analyzer.ts";
import { type Clock, systemClock, type TimerId } from "../../clock/clock.ts";
import type { TrackedSymbol } from "../../market/tracked_symbol.ts";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";
import type { WebSocketFactory } from "../bybit/web_socket_like.ts";
import type { WsClientState } from "../bybit/ws_client_state.ts";
import { EngineReporter } from "./callback_guard.ts";
import { CategoryFeed, type CategoryFeedState } from "./category_feed.ts";
import { CycleBatcher } from "./cycle_batcher.ts";
import {
  type FeedMode,
  type IngestCallbacks,
  type IngestConfig,
  type IngestEngine,
  MAX_LISTED_TOPICS,
  type UpstreamState,
  type WsConnectionState,
} from "./engine_contract.ts";

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
  /** Length of one push cycle's gathering window, ms. Default 0 (one turn). */
  readonly batchMs?: number;
  /** Args characters per connection. Default 21,000 (Bybit's limit). */
  readonly maxArgsChars?: number;
  /** Window over which a market's extra connections open, ms. Default 1,000. */
  readonly startJitterMs?: number;
}

/** The streams of every market, with REST standing in where they fail. */
export class WsIngestLoop implements IngestEngine {
  #report: EngineReporter;
  #clock: Clock;
  #analyzer: TickAnalyzer;
  #batcher: CycleBatcher;
  #feeds: CategoryFeed[];
  #stateIntervalMs: number;

  #started = false;
  #stopped = false;
  #stateTimer: TimerId | undefined;
  /** Ticks reported so far (streams and fallbacks). */
  #ticks = 0;

  /** Throws a `RangeError` for a bad URL, interval or timeout. */
  constructor(options: WsIngestLoopOptions) {
    const { upstream } = options.config;
    this.#stateIntervalMs = options.stateIntervalMs ??
      DEFAULT_STATE_INTERVAL_MS;
    for (
      const [name, value] of [
        ["wsFallbackAfterMs", upstream.wsFallbackAfterMs],
        ["stateIntervalMs", this.#stateIntervalMs],
      ] as const
    ) {
      if (!(value > 0 && Number.isFinite(value))) {
        throw new RangeError(`${name} must be > 0, got ${value}`);
      }
    }
    if (options.config.markets.length === 0) {
      throw new RangeError("markets must name at least one market");
    }
    this.#report = new EngineReporter(options, () => this.state());
    this.#clock = options.clock ?? systemClock;
    this.#analyzer = new TickAnalyzer(options.config.thresholds);
    this.#batcher = new CycleBatcher({
      clock: this.#clock,
      windowMs: options.batchMs,
      flush: (batch) => {
        if (batch.ticks.length > 0) this.#reportTicks(batch.ticks);
        if (batch.trades.length > 0) this.#report.trades(batch.trades);
        if (batch.liquidations.length > 0) {
          this.#report.liquidations(batch.liquidations);
        }
      },
    });
    this.#feeds = options.config.markets.map((category) =>
      new CategoryFeed({
        category,
        config: options.config,
        analyzer: this.#analyzer,
        batcher: this.#batcher,
        restTicks: (ticks) => this.#reportTicks(ticks),
        clock: this.#clock,
        random: options.random ?? Math.random,
        fetch: options.fetch,
        connect: options.connect,
        maxArgsChars: options.maxArgsChars,
        startJitterMs: options.startJitterMs,
        onChange: () => this.#report.state(),
        log: (level, message, fields) =>
          this.#report.log(level, message, fields),
      })
    );
  }

  /** Connects the streams; REST waits until it is needed. Starts only once. */
  start(): void {
    if (this.#started) throw new Error("WsIngestLoop was already started");
    this.#started = true;
    for (const feed of this.#feeds) feed.start();
    this.#armStateReports();
  }

  /** Replaces one symbol's whale threshold for the ticks that follow. */
  setThreshold(symbol: string, threshold: number): void {
    this.#analyzer.setThreshold(symbol, threshold);
  }

  /** Follows `symbols` from now on; nothing restarts. */
  setSymbols(
    symbols: readonly TrackedSymbol[],
    thresholds: Readonly<Record<string, number>>,
  ): void {
    this.#analyzer.retain(thresholds);
    for (const feed of this.#feeds) feed.setSymbols(symbols);
    this.#report.state();
  }

  /** The markets' feeds (for tests and diagnostics). */
  get feeds(): readonly CategoryFeed[] {
    return this.#feeds;
  }

  /** Which source feeds ticks now. */
  get mode(): Exclude<FeedMode, "rest"> {
    return this.#feeds.some((f) => f.state().fallbackActive)
      ? "rest-fallback"
      : "ws";
  }

  /** The state of the streams, with the fallbacks where they stand in. */
  state(): UpstreamState {
    return combine(this.#feeds.map((f) => f.state()), {
      now: this.#clock.now(),
      stopped: this.#stopped,
      ticks: this.#ticks,
    });
  }

  /** Counted as they are reported, so the counter never runs ahead. */
  #reportTicks(ticks: AnalyzedTick[]): void {
    this.#ticks += ticks.length;
    this.#report.ticks(ticks);
  }

  /** Closes the streams and stops polling; resolves once all have ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#report.mute();
    this.#batcher.stop();
    if (this.#stateTimer !== undefined) {
      this.#clock.clearTimer(this.#stateTimer);
    }
    this.#stateTimer = undefined;
    await Promise.all(this.#feeds.map((feed) => feed.stop()));
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

/**
 * One {@linkcode UpstreamState} from every market's feed: the streams' view,
 * with a fallback's where REST stands in (its errors and attempts count).
 */
function combine(
  feeds: readonly CategoryFeedState[],
  at: { now: number; stopped: boolean; ticks: number },
): UpstreamState {
  const clients = feeds.flatMap((f) => f.connections);
  const fallbacks = feeds.filter((f) => f.fallbackActive && f.rest !== null);
  const rests = fallbacks.map((f) => f.rest!);
  const everRest = feeds.flatMap((f) => f.rest === null ? [] : [f.rest]);
  const fallback = fallbacks.length > 0;
  const first = clients[0];
  const lastError = [
    ...clients.map((c) => c.lastError),
    ...everRest.map((r) => r.lastError),
  ].filter((e) => e !== null).sort((a, b) => b.at - a.at)[0] ?? null;
  const next = at.stopped ? null : earliest([
    ...clients.map((c) => c.nextAttemptAt),
    ...rests.map((r) => r.nextAttemptAt),
  ]);
  const sum = (read: (c: WsClientState) => number) =>
    clients.reduce((total, c) => total + read(c), 0);
  const restSum = (read: (r: UpstreamState) => number) =>
    everRest.reduce((total, r) => total + read(r), 0);
  const feedSum = (read: (f: CategoryFeedState) => number) =>
    feeds.reduce((total, f) => total + read(f), 0);
  const simulated = clients.some((c) => c.simulated) ||
    rests.some((r) => r.simulated);
  const refused = clients.flatMap((c) => c.topics.refused);
  const unavailable = new Set(feeds.flatMap((f) => f.unavailableSymbols));
  return {
    source: simulated
      ? "simulator"
      : fallback && !clients.some((c) => c.connected)
      ? "rest"
      : "ws",
    mode: fallback ? "rest-fallback" : "ws",
    simulated,
    host: fallback && rests[0] ? rests[0].host : first?.host ?? "",
    latencyMs: fallback && rests[0]
      ? rests[0].latencyMs
      : first?.latencyMs ?? null,
    lastSuccess: latest([
      ...feeds.map((f) => f.lastTickAt),
      ...everRest.map((r) => r.lastSuccess),
    ]),
    lastAttempt: latest([
      ...clients.map((c) => c.lastAttempt),
      ...rests.map((r) => r.lastAttempt),
    ]),
    consecutiveFailures: Math.max(
      0,
      ...clients.map((c) => c.consecutiveFailures),
      ...rests.map((r) => r.consecutiveFailures),
    ),
    lastError,
    nextAttemptAt: next,
    nextAttemptInMs: next === null ? null : Math.max(0, next - at.now),
    unavailableSymbols: [...unavailable],
    ws: {
      host: first?.host ?? "",
      connected: clients.length > 0 && clients.every((c) => c.connected),
      connectedSince: earliest(clients.map((c) => c.connectedSince)),
      lastMessageAt: latest(clients.map((c) => c.lastMessageAt)),
      activeTopics: sum((c) => c.topics.active),
      pendingTopics: sum((c) => c.topics.pending),
      refusedTopics: refused.slice(0, MAX_LISTED_TOPICS),
      connections: feeds.flatMap((f) =>
        f.connections.map((c) => connectionState(c, f.category))
      ),
      fallbackSymbols: feedSum((f) => f.fallbackSymbols),
    },
    counters: {
      requests: restSum((r) => r.counters.requests),
      errors: restSum((r) => r.counters.errors) + sum((c) => c.counters.drops),
      itemsRejected: restSum((r) => r.counters.itemsRejected) +
        sum((c) => c.counters.itemsRejected) +
        feedSum((f) => f.tickersRejected),
      ticks: at.ticks,
      trades: sum((c) => c.counters.trades),
      liquidations: sum((c) => c.counters.liquidations),
      liquidationsRejected: sum((c) => c.counters.liquidationsRejected),
      deltasWithoutSnapshot: feedSum((f) => f.deltasWithoutSnapshot),
      wsMessages: sum((c) => c.counters.messages),
      wsBadMessages: sum((c) => c.counters.badMessages),
      wsConnects: sum((c) => c.counters.connects),
      wsSubscribeRequests: sum((c) => c.counters.subscribeRequests),
      wsRefusals: sum((c) => c.counters.refusals),
      fallbacks: feedSum((f) => f.fallbacks),
      wsDataSilenceReplacements: sum((c) => c.counters.dataSilenceReplacements),
      wsTopicResubscribes: sum((c) => c.counters.topicResubscribes),
      ticksConflated: 0,
    },
  };
}

function connectionState(
  c: WsClientState,
  category: CategoryFeedState["category"],
): WsConnectionState {
  return {
    label: c.label,
    category,
    connected: c.connected,
    connectedSince: c.connectedSince,
    lastMessageAt: c.lastMessageAt,
    lastDataAt: c.lastDataAt,
    activeTopics: c.topics.active,
    pendingTopics: c.topics.pending,
    refusedTopics: c.topics.refused.length,
    connects: c.counters.connects,
    dataSilenceReplacements: c.counters.dataSilenceReplacements,
    topicResubscribes: c.counters.topicResubscribes,
    lastError: c.lastError
      ? `${c.lastError.kind}: ${c.lastError.message}`
      : null,
  };
}

function latest(values: readonly (number | null)[]): number | null {
  let best: number | null = null;
  for (const v of values) {
    if (v !== null && (best === null || v > best)) best = v;
  }
  return best;
}

function earliest(values: readonly (number | null)[]): number | null {
  let best: number | null = null;
  for (const v of values) {
    if (v !== null && (best === null || v < best)) best = v;
  }
  return best;
}
