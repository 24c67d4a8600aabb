/**
 * The contract every ingestion engine keeps — REST polling
 * (`rest_ingest_loop.ts`) and the WebSocket with REST fallback
 * (`ws_ingest_loop.ts`): the configuration it takes, the callbacks it reports
 * through, the state and counters it reports, and the control surface a host
 * drives. Hosts (`../hosting/`), the service and diagnostics depend on this
 * module, never on one engine. `ingest_engine_conformance.ts` holds the one
 * behaviour suite both engines pass.
 */
import type { LogLevel } from "../../config/config_schema.ts";
import type { ServiceConfig } from "../../config/load_config.ts";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";
import type { TickSource } from "../../market/market_tick.ts";
import type { MarketTrade } from "../../market/market_trade.ts";
import type { MarketLiquidation } from "../../market/market_liquidation.ts";
import type {
  MarketCategory,
  TrackedSymbol,
} from "../../market/tracked_symbol.ts";
import type { UpstreamErrorKind } from "../bybit/upstream_error.ts";
import type { WsFailureKind } from "../bybit/ws_client_state.ts";

/**
 * The part of the service configuration ingestion needs (no secrets). The
 * symbols are those followed at start; `setSymbols` changes them later.
 */
export type IngestConfig = Pick<
  ServiceConfig,
  "upstream" | "symbols" | "thresholds" | "markets"
>;

/** Structured log fields: flat and JSON-safe, so they cross a worker boundary. */
export type LogFields = Readonly<
  Record<string, string | number | boolean | null>
>;

/**
 * Why a cycle failed: an upstream fault, a WebSocket fault, or a bug of ours
 * (`internal`).
 */
export type IngestFailureKind =
  | Exclude<UpstreamErrorKind, "aborted">
  | WsFailureKind
  | "internal";

/**
 * Which source feeds ticks: the WebSocket, REST polling standing in while the
 * WebSocket is down, or REST polling by configuration.
 */
export type FeedMode = "ws" | "rest-fallback" | "rest";

/** Cumulative counters since the engine started; they never go back. */
export interface IngestCounters {
  /** Upstream requests made. */
  readonly requests: number;
  /** Cycles that failed. */
  readonly errors: number;
  /** Tracked items rejected by validation. */
  readonly itemsRejected: number;
  /** Analysed ticks emitted. */
  readonly ticks: number;
  /** Public trades delivered (WebSocket only). */
  readonly trades: number;
  /** Valid liquidations delivered (WebSocket only). */
  readonly liquidations: number;
  /** Liquidations rejected by validation (absurd values included). */
  readonly liquidationsRejected: number;
  /** Linear ticker deltas that arrived with no snapshot (skipped). */
  readonly deltasWithoutSnapshot: number;
  /** WebSocket frames received. */
  readonly wsMessages: number;
  /** WebSocket frames that failed validation and were skipped. */
  readonly wsBadMessages: number;
  /** WebSocket connections opened. */
  readonly wsConnects: number;
  /** Subscribe requests sent; every reconnect resubscribes. */
  readonly wsSubscribeRequests: number;
  /** Topics the exchange refused. */
  readonly wsRefusals: number;
  /** Times REST polling took over from the WebSocket. */
  readonly fallbacks: number;
  /** Connections replaced for answering pings while sending no data. */
  readonly wsDataSilenceReplacements: number;
  /** Topics resubscribed (silent past their pace, or a delta without snapshot). */
  readonly wsTopicResubscribes: number;
  /**
   * Ticks the worker replaced with a newer one of the same symbol while the
   * main thread had not yet taken its previous batch (`batch_gate.ts`).
   */
  readonly ticksConflated: number;
}

/** Counters before anything happened. */
export const ZERO_COUNTERS: IngestCounters = {
  requests: 0,
  errors: 0,
  itemsRejected: 0,
  ticks: 0,
  trades: 0,
  liquidations: 0,
  liquidationsRejected: 0,
  deltasWithoutSnapshot: 0,
  wsMessages: 0,
  wsBadMessages: 0,
  wsConnects: 0,
  wsSubscribeRequests: 0,
  wsRefusals: 0,
  fallbacks: 0,
  wsDataSilenceReplacements: 0,
  wsTopicResubscribes: 0,
  ticksConflated: 0,
};

/** One upstream WebSocket connection, as diagnostics show it; times epoch ms. */
export interface WsConnectionState {
  /** E.g. `spot#1`. */
  readonly label: string;
  readonly category: MarketCategory;
  readonly connected: boolean;
  readonly connectedSince: number | null;
  readonly lastMessageAt: number | null;
  /** Last data (a push on any of its topics). */
  readonly lastDataAt: number | null;
  readonly activeTopics: number;
  readonly pendingTopics: number;
  readonly refusedTopics: number;
  readonly connects: number;
  readonly dataSilenceReplacements: number;
  readonly topicResubscribes: number;
  /** `kind: message` of its last failure, or null. */
  readonly lastError: string | null;
}

/**
 * The WebSocket connections together, as diagnostics show them; times are
 * epoch ms.
 */
export interface WsUpstreamState {
  /** Host of the stream (no credentials, path or query). */
  readonly host: string;
  /** Every connection is open. */
  readonly connected: boolean;
  readonly connectedSince: number | null;
  readonly lastMessageAt: number | null;
  /** Topics confirmed by an ack or by data. */
  readonly activeTopics: number;
  /** Topics sent but not yet confirmed. */
  readonly pendingTopics: number;
  /** Refused topics (at most {@linkcode MAX_LISTED_TOPICS} listed). */
  readonly refusedTopics: readonly string[];
  /** Each connection. */
  readonly connections: readonly WsConnectionState[];
  /** Symbols REST polling stands in for now (their stream is not delivering). */
  readonly fallbackSymbols: number;
}

/** Most refused topics listed in a state (the count is in the counters). */
export const MAX_LISTED_TOPICS = 100;

/**
 * What ingestion reports about the upstream; times are epoch ms. The
 * top-level fields describe the source feeding ticks now (see `mode`).
 */
export interface UpstreamState {
  /** `simulator` when the data carries the simulator's mark. */
  readonly source: TickSource;
  /** Which source feeds ticks now. */
  readonly mode: FeedMode;
  readonly simulated: boolean;
  /** Host of the current source (no credentials, path or query). */
  readonly host: string;
  /** Latency of the last successful poll, or the last WebSocket ping, ms. */
  readonly latencyMs: number | null;
  readonly lastSuccess: number | null;
  readonly lastAttempt: number | null;
  readonly consecutiveFailures: number;
  /** The most recent failure; kept after recovery (see `consecutiveFailures`). */
  readonly lastError: {
    readonly kind: IngestFailureKind;
    readonly message: string;
    readonly at: number;
  } | null;
  /** When the next poll starts, or null once stopped. */
  readonly nextAttemptAt: number | null;
  /** `nextAttemptAt` relative to when this state was emitted. */
  readonly nextAttemptInMs: number | null;
  /** Tracked channel ids the exchange did not list (or refused to stream). */
  readonly unavailableSymbols: readonly string[];
  /** The WebSocket connection; null in `rest` mode. */
  readonly ws: WsUpstreamState | null;
  readonly counters: IngestCounters;
}

/**
 * Callbacks through which ingestion reports. They must not block; whatever
 * they throw is logged and the engine goes on.
 */
export interface IngestCallbacks {
  /**
   * Analysed ticks: of one poll, or of one push cycle of the WebSocket
   * (never empty). Ticks, trades and liquidations of one cycle are reported
   * in the same turn, so a host can carry them in one message.
   */
  onTicks(ticks: AnalyzedTick[]): void;
  /** Public trades of one push cycle (WebSocket mode; never empty). */
  onTrades(trades: MarketTrade[]): void;
  /** Liquidations of one push cycle (WebSocket mode, perpetuals; never empty). */
  onLiquidations(liquidations: MarketLiquidation[]): void;
  /**
   * State after every change and at least every
   * {@linkcode DEFAULT_HEARTBEAT_MS} while running, also while waiting out a
   * backoff: how a host tells a live engine from a dead one.
   */
  onState(state: UpstreamState): void;
  onLog(level: LogLevel, message: string, fields: LogFields): void;
}

/**
 * Longest silence of a running engine, ms: it reports state at least this
 * often, so a host's watchdog can rely on it.
 */
export const DEFAULT_HEARTBEAT_MS = 5_000;

/**
 * A running source of ticks (and, on the WebSocket, trades): what the worker
 * and the inline host run, whichever engine `createIngestEngine` picked.
 * Upstream faults never end it: they are counted, reported in its state and
 * retried.
 */
export interface IngestEngine {
  /** Starts ingesting. An engine starts only once. */
  start(): void;
  /** Replaces one symbol's whale threshold for the ticks that follow. */
  setThreshold(symbol: string, threshold: number): void;
  /**
   * Follows `symbols` from now on (a listing changed): new ones start
   * streaming, dropped ones stop; nothing restarts. `thresholds` holds the
   * whale line of every symbol followed.
   */
  setSymbols(
    symbols: readonly TrackedSymbol[],
    thresholds: Readonly<Record<string, number>>,
  ): void;
  /** A snapshot of the current state. */
  state(): UpstreamState;
  /**
   * Stops ingesting; resolves when nothing is in flight any more. Nothing is
   * reported after it resolves.
   */
  stop(): Promise<void>;
}
