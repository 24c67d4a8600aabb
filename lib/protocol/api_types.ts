/**
 * Response shapes of the JSON API, shared by the route handlers that produce
 * them and the islands that read them (browser-safe: types only).
 */
import type { AlertFrame, AlertKind, TickFrame } from "./frames.ts";
import type { PriceAlertDirection } from "./price_alerts.ts";

/** Body of every error response. */
export interface ApiError {
  /** Short machine-readable reason, e.g. `forbidden_origin`. */
  readonly error: string;
  /** A sentence for humans: what was wrong and what is expected. */
  readonly detail: string;
}

/** `GET /api/health`. */
export interface HealthResponse {
  readonly status: "ok";
  readonly uptime_s: number;
  readonly epoch: string;
}

/** Overall health as diagnostics grade it. */
export type HealthStatus = "healthy" | "degraded" | "unhealthy";

/** Freshness of one tracked symbol. */
export interface SymbolFreshness {
  readonly symbol: string;
  /** False when the exchange does not list the symbol. */
  readonly available: boolean;
  /** Server time of the latest tick, epoch ms, or null if none yet. */
  readonly last_tick_ts: number | null;
  readonly age_s: number | null;
  readonly stale: boolean;
}

/**
 * Which source feeds ticks: the exchange WebSocket, REST polling standing in
 * while the WebSocket is down, or REST polling by configuration.
 */
export type FeedMode = "ws" | "rest-fallback" | "rest";

/** The per-client request budgets of the edge (see `lib/http/rate_limits.ts`). */
export type RateBucketName = "api" | "handshake" | "page";

/** The WebSocket connection, as `GET /api/diagnostics` shows it. */
export interface WsDiagnostics {
  /** Host of the stream (no credentials, path or query). */
  readonly host: string;
  readonly connected: boolean;
  /** Epoch ms the current connection opened, or null. */
  readonly connected_since: number | null;
  /** Any frame (data, ack or pong); 30 s of silence means a dead socket. */
  readonly seconds_since_last_message: number | null;
  /** Topics confirmed by an ack or by data. */
  readonly active_topics: number;
  readonly pending_topics: number;
  /** Topics the exchange refused (retried slowly, never in a loop). */
  readonly refused_topics: readonly string[];
  /** Connections opened since start; more than one means reconnects. */
  readonly connects: number;
  /** Subscribe requests sent; every reconnect resubscribes. */
  readonly subscribe_requests: number;
  readonly messages: number;
  /** Frames that failed validation and were skipped. */
  readonly bad_messages: number;
  /** Times REST polling took over. */
  readonly fallbacks: number;
  /** Symbols REST polling stands in for now. */
  readonly fallback_symbols: number;
  /** Connections replaced for answering pings while sending no data. */
  readonly data_silence_replacements: number;
  /** Topics resubscribed (silent past their pace, or a delta without snapshot). */
  readonly topic_resubscribes: number;
  /** Linear ticker deltas that arrived with no snapshot (skipped). */
  readonly deltas_without_snapshot: number;
  /** Each upstream connection (topics are spread over several). */
  readonly connections: readonly WsConnectionDiagnostics[];
}

/** One upstream WebSocket connection, as `GET /api/diagnostics` shows it. */
export interface WsConnectionDiagnostics {
  /** E.g. `spot#2`. */
  readonly label: string;
  readonly market: "spot" | "linear";
  readonly connected: boolean;
  readonly connected_since: number | null;
  /** Any frame, pongs included. */
  readonly seconds_since_last_message: number | null;
  /** Data only: what the data-silence rule judges. */
  readonly seconds_since_last_data: number | null;
  readonly active_topics: number;
  readonly pending_topics: number;
  readonly refused_topics: number;
  readonly connects: number;
  readonly data_silence_replacements: number;
  readonly topic_resubscribes: number;
  readonly last_error: string | null;
}

/** The instruments listing (`SYMBOLS=all`), as diagnostics show it. */
export interface ListingDiagnostics {
  readonly markets: readonly {
    readonly market: "spot" | "linear";
    /** `pending`, `loaded`, `retrying` or `refused` (past INSTRUMENTS_MAX). */
    readonly status: "pending" | "loaded" | "retrying" | "refused";
    /** Instruments followed from the last good listing, or null. */
    readonly symbols: number | null;
    readonly loaded_at: number | null;
    readonly last_error: string | null;
    readonly consecutive_failures: number;
    readonly next_attempt_in_ms: number | null;
  }[];
  /** Recent delistings, oldest first (at most 50). */
  readonly delisted: readonly {
    readonly symbol: string;
    readonly at: number;
  }[];
}

/** `GET /api/diagnostics`: built from the ingestion state, never upstream. */
export interface DiagnosticsResponse {
  readonly status: HealthStatus;
  readonly simulated: boolean;
  readonly source: "rest" | "ws" | "simulator";
  /** Which source feeds ticks now; `rest-fallback` grades as degraded. */
  readonly mode: FeedMode;
  readonly upstream: {
    /** Host of the upstream endpoint (no credentials, no query). */
    readonly host: string;
    readonly latency_ms: number | null;
    readonly last_success: number | null;
    readonly last_attempt: number | null;
    readonly consecutive_failures: number;
    readonly last_error: string | null;
    /** No good upstream data for more than 10 s. */
    readonly stalled: boolean;
    readonly seconds_since_last_tick: number | null;
    readonly next_attempt_in_ms: number | null;
  };
  readonly symbols: readonly SymbolFreshness[];
  /** The WebSocket connections; null when ingesting by REST only. */
  readonly ws: WsDiagnostics | null;
  /** The instruments listing with `SYMBOLS=all`; null otherwise. */
  readonly listing: ListingDiagnostics | null;
  readonly ingestion: {
    readonly mode: "worker" | "inline";
    readonly running: boolean;
    readonly restarts: number;
    readonly last_restart_reason: string | null;
  };
  readonly server_time: number;
  /** The shared stream (absent only in fakes built before engines existed). */
  readonly engine?: EngineDiagnostics;
}

/** The stream engine as `GET /api/diagnostics` shows it. */
export interface EngineDiagnostics {
  /** `STREAM_ENGINE`: memory, redis or kv. */
  readonly kind: "memory" | "redis" | "kv";
  /** The leader ingests and publishes; followers fan out what it published. */
  readonly role: "leader" | "follower";
  /** This instance's id (also sent in hello frames when several serve). */
  readonly instance: string;
  /** Whether the shared store is reachable now (false: degraded). */
  readonly connected: boolean;
  /** The stream's epoch (changes only when the shared store lost its data). */
  readonly epoch: string;
  /**
   * Publish-to-delivery time of the newest tick this instance received, ms
   * (null before the first, and always with the memory engine, where
   * delivery is a function call).
   */
  readonly lag_ms: number | null;
}

/** The stream engine's counters in `GET /api/metrics` and `/metrics`. */
export interface EngineMetrics {
  readonly kind: "memory" | "redis" | "kv";
  /** 1 while this instance leads. */
  readonly leader: number;
  /** 1 while the shared store is reachable. */
  readonly connected: number;
  readonly publishes_total: number;
  /** Entries fetched from history to fill a gap in delivery. */
  readonly gap_backfills_total: number;
  readonly lease_acquisitions_total: number;
  readonly lease_losses_total: number;
  readonly reconnects_total: number;
  /** Entries whose publish failed or was refused (fenced). */
  readonly publish_failures_total: number;
  /** Waiting ticks replaced by a newer one of their symbol (KV). */
  readonly publish_conflated_total: number;
  readonly publish_dropped_total: number;
  /** Leader publish to delivery on this instance, ms, over the newest ticks. */
  readonly delivery_latency_ms: LatencyFigures;
}

/** Quantiles of the newest samples of a duration, ms; null before the first. */
export interface LatencyFigures {
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/**
 * The main thread's intake of ticks (`GET /api/metrics`): where a tick's
 * latency builds up before the hub (see `intake_meter.ts`).
 */
export interface IntakeMetrics {
  /** Exchange time of a tick to the main thread taking it in, newest ticks. */
  readonly tick_age_ms: LatencyFigures;
  /** Main-thread time to hand one cycle's ticks on, newest cycles. */
  readonly cycle_handling_ms: LatencyFigures;
  /** Cycles of ticks taken in since start (this instance, while leading). */
  readonly cycles_total: number;
}

/** One row of `GET /api/symbols`. */
export interface SymbolSnapshot {
  readonly symbol: string;
  readonly upstream: string;
  /** `spot` pair or `linear` perpetual. */
  readonly market: "spot" | "linear";
  readonly available: boolean;
  /** Whale threshold (24 h turnover, USDT). */
  readonly threshold: number;
  /** Trade threshold: a single trade's notional the tape marks, USDT. */
  readonly trade_threshold: number;
  readonly tick: TickFrame | null;
}

/** `GET /api/symbols`. */
export interface SymbolsResponse {
  readonly symbols: readonly SymbolSnapshot[];
}

/** `GET /api/rooms`. */
export interface RoomsResponse {
  readonly total: number;
  readonly rooms: Readonly<Record<string, number>>;
}

/** `GET /api/rooms/:symbol`. */
export interface RoomResponse {
  readonly symbol: string;
  readonly subscribers: number;
}

/** `GET /api/metrics` (also rendered as Prometheus text at `/metrics`). */
export interface MetricsResponse {
  readonly uptime_s: number;
  readonly ticks_processed: number;
  readonly upstream_requests: number;
  readonly upstream_errors: number;
  readonly items_rejected: number;
  readonly sockets_active: number;
  /** Open market overview sockets (`/ws/market`). */
  readonly market_sockets_active?: number;
  /** Symbols followed now. */
  readonly symbols_tracked?: number;
  readonly sockets_opened_total: number;
  readonly handshakes_rejected_total: number;
  /** Stream sockets closed for sending a data frame (they are send-only). */
  readonly inbound_closes_total: number;
  /** Requests refused with 429 by the per-client buckets. */
  readonly rate_limited_total: Readonly<Record<RateBucketName, number>>;
  readonly messages_sent: number;
  readonly bytes_sent: number;
  readonly conflated_total: number;
  readonly slow_closes_total: number;
  /** Least interval between two broadcasts of a symbol under overload, ms (0: every tick). */
  readonly fanout_interval_ms: number;
  readonly ingestion_restarts: number;
  /** Alerting counters (absent only in fakes built before alerts existed). */
  readonly alerts?: AlertMetrics;
  /** Ingestion source counters (absent only in fakes built before them). */
  readonly ingest?: IngestMetrics;
  /** The main thread's intake of ticks (absent only in fakes built before it). */
  readonly intake?: IntakeMetrics;
  /** Candle persistence counters (absent only in fakes built before them). */
  readonly candles?: CandleMetrics;
  /** The shared stream (absent only in fakes built before engines existed). */
  readonly engine?: EngineMetrics;
  /** The process's memory (absent only in fakes built before it). */
  readonly memory?: MemoryMetrics;
}

/**
 * The memory part of `GET /api/metrics`, bytes: the process's resident set
 * and each isolate's V8 heap, so an operator can tell live data (heap used
 * after collections) from garbage not yet collected (RSS above it).
 */
export interface MemoryMetrics {
  readonly rss_bytes: number;
  /** The main isolate (hub, sockets, HTTP). */
  readonly main_heap_used_bytes: number;
  readonly main_heap_total_bytes: number;
  /** Memory outside the V8 heaps held by JavaScript objects (buffers). */
  readonly external_bytes: number;
  /** The ingestion worker's isolate; null inline or before its first report. */
  readonly worker_heap_used_bytes: number | null;
  readonly worker_heap_total_bytes: number | null;
}

/** The candle part of `GET /api/metrics`. */
export interface CandleMetrics {
  /** Bars written to the store (closed, amended, backfilled, resealed). */
  readonly bars_written_total: number;
  /** Writes to the store (each one or more commits of many bars). */
  readonly bar_writes_total: number;
  /** Writes that failed and were retried. */
  readonly bar_write_failures_total: number;
  /** Bars dropped because the write queue was full. */
  readonly bars_dropped_total: number;
  /** Bars waiting to be written now. */
  readonly bars_queued: number;
  /** Late trades amended into a closed 1 s bar. */
  readonly late_trades_amended_total: number;
  /** Late trades dropped (their minute had closed). */
  readonly late_trades_dropped_total: number;
  /** Bars taken from the exchange's klines since start. */
  readonly bars_backfilled_total: number;
  /**
   * Steps of the backfill still to run, two per symbol (1 m, then 1 h):
   * 0 once every followed symbol is filled.
   */
  readonly backfill_steps_pending: number;
  /**
   * Books whose older bars are still being read after a start (the newest
   * part of each memory window is read before the service answers): 0 once
   * every book holds its whole window.
   */
  readonly books_loading: number;
}

/** The ingestion part of `GET /api/metrics`. */
export interface IngestMetrics {
  readonly mode: FeedMode;
  /** 1 while REST polling stands in for the WebSocket, else 0. */
  readonly rest_fallback_active: number;
  /** 1 while the WebSocket is open, else 0. */
  readonly ws_connected: number;
  readonly ws_connects_total: number;
  readonly ws_subscribe_requests_total: number;
  readonly ws_messages_total: number;
  readonly ws_bad_messages_total: number;
  readonly ws_refusals_total: number;
  /** Public trades received from the stream. */
  readonly trades_total: number;
  /** Times REST polling took over from the WebSocket. */
  readonly rest_fallbacks_total: number;
  /** Upstream WebSocket connections, and how many are open. */
  readonly ws_connections: number;
  readonly ws_connections_open: number;
  /** Connections replaced for answering pings while sending no data. */
  readonly ws_data_silence_replacements_total: number;
  /** Topics resubscribed (silent past their pace, or a delta without snapshot). */
  readonly ws_topic_resubscribes_total: number;
  /** Linear ticker deltas that arrived with no snapshot (skipped). */
  readonly deltas_without_snapshot_total: number;
  /** Valid liquidations received. */
  readonly liquidations_total: number;
  /** Liquidations rejected by validation (absurd values included). */
  readonly liquidations_rejected_total: number;
  /** Symbols REST polling stands in for now. */
  readonly rest_fallback_symbols: number;
  /**
   * Ticks the ingestion worker replaced with a newer one of the same symbol
   * while the main thread had not yet taken the previous batch.
   */
  readonly worker_ticks_conflated_total: number;
}

/** Alert counts by symbol, then kind. */
export type AlertCountsBySymbol = Readonly<
  Record<string, Readonly<Record<AlertKind, number>>>
>;

/** The alerting part of `GET /api/metrics`. */
export interface AlertMetrics {
  /** Alerts raised by the rules since start. */
  readonly raised_total: number;
  /** Alerts a cooldown suppressed since start. */
  readonly suppressed_total: number;
  /** Alerts committed to the trail and pushed since start. */
  readonly stored_total: number;
  /** Alerts whose commit failed (they were never pushed). */
  readonly store_failures_total: number;
  /** Alerts dropped because the store queue was full. */
  readonly dropped_total: number;
  /** Alerts waiting to be committed now. */
  readonly pending: number;
  /** Alerts kept in the trail (after retention). */
  readonly trail_size: number;
  readonly raised: AlertCountsBySymbol;
  readonly suppressed: AlertCountsBySymbol;
}

/** `GET /api/thresholds`. */
export interface ThresholdsResponse {
  /** Whale line (24 h turnover) per symbol. */
  readonly thresholds: Readonly<Record<string, number>>;
  /** Single-trade notional that raises `whale_trade`, per symbol. */
  readonly trade_thresholds: Readonly<Record<string, number>>;
  /** Notional per spike window that raises `volume_spike`, per symbol. */
  readonly spike_thresholds: Readonly<Record<string, number>>;
  /** One liquidation's notional that raises `liquidation`, per perpetual. */
  readonly liquidation_thresholds: Readonly<Record<string, number>>;
  /** False when no `ADMIN_TOKEN` is configured: writes are disabled. */
  readonly writable: boolean;
}

/** `GET /api/thresholds/:symbol`. */
export interface ThresholdResponse {
  readonly symbol: string;
  readonly threshold: number;
  readonly trade_threshold: number;
  readonly spike_threshold: number;
  /** Perpetuals only. */
  readonly liquidation_threshold?: number;
}

/**
 * `PUT /api/thresholds/:symbol` body: at least one field. `{"threshold": n}`
 * alone is the original request and still works.
 */
export interface ThresholdUpdate {
  readonly threshold?: number;
  readonly trade_threshold?: number;
  readonly spike_threshold?: number;
  /** Perpetuals only. */
  readonly liquidation_threshold?: number;
}

/**
 * `PUT /api/thresholds/:symbol` success body: the whale line always (as
 * before), the other lines when the request changed them.
 */
export interface ThresholdUpdateResponse {
  readonly symbol: string;
  readonly threshold: number;
  readonly previous: number;
  readonly trade_threshold?: number;
  readonly previous_trade_threshold?: number;
  readonly spike_threshold?: number;
  readonly previous_spike_threshold?: number;
  readonly liquidation_threshold?: number;
  readonly previous_liquidation_threshold?: number;
}

/** `GET /api/alerts`: one page, newest first. */
export interface AlertsResponse {
  readonly alerts: readonly AlertFrame[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  readonly next_cursor: string | null;
}

/** One audited threshold change, as `GET /api/audit` lists it. */
export interface AuditEntry {
  /** Sortable id (time-ordered); a page's last id is its `next_cursor`. */
  readonly id: string;
  /** ISO-8601 UTC time of the change. */
  readonly time: string;
  readonly symbol: string;
  /**
   * Which line changed: `whale` (24 h turnover), `trade` (one trade's
   * notional), `spike` (notional per spike window) or `liquidation` (one
   * liquidation's notional, perpetuals); or `price_alert`, a price-level
   * alert created or deleted.
   */
  readonly kind: "whale" | "trade" | "spike" | "liquidation" | "price_alert";
  /** The value replaced; for a price alert, 0 on create and the level on delete. */
  readonly previous: number;
  /** The value set; for a price alert, the level on create and 0 on delete. */
  readonly threshold: number;
  /** IP address of the caller who made the change. */
  readonly actor_ip: string;
  /** For a price alert: whether it was created or deleted. */
  readonly action?: "create" | "delete";
  /** For a price alert: its id. */
  readonly alert_id?: string;
  /** For a price alert: which way it watches the price. */
  readonly direction?: PriceAlertDirection;
}

/** `GET /api/audit`: threshold changes, newest first. */
export interface AuditResponse {
  readonly changes: readonly AuditEntry[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  readonly next_cursor: string | null;
}
