/**
 * What every route sees in `ctx.state`: the running service's read models and
 * commands, plus per-request facts the middleware established. Routes stay
 * thin by calling these instead of reaching into the hub or ingestion.
 */
import type { Clock } from "../clock/clock.ts";
import type { ServiceConfig } from "../config/load_config.ts";
import type { AlertFrame, MarketItem, TickFrame } from "../protocol/frames.ts";
import type { AlertQuery, AuditQuery } from "../alerts/alert_query.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import type { CandleInterval, CandlesResponse } from "../protocol/candles.ts";
import type { TapeTrade } from "../protocol/trades.ts";
import type {
  PriceAlert,
  PriceAlertRequest,
  PriceAlertsResponse,
} from "../protocol/price_alerts.ts";
import type { MarketLiquidation } from "../market/market_liquidation.ts";
import type {
  AlertsResponse,
  AuditResponse,
  DiagnosticsResponse,
  HealthResponse,
  MetricsResponse,
  RoomResponse,
  RoomsResponse,
  SymbolsResponse,
  ThresholdsResponse,
  ThresholdUpdate,
  ThresholdUpdateResponse,
} from "../protocol/api_types.ts";
import type { StreamHub } from "../hub/stream_hub.ts";
import type { SymbolTable } from "../http/symbol_policy.ts";
import type { StreamGate } from "./stream_gate.ts";
import type { EdgeState } from "../http/edge_middleware.ts";
import type { EdgeRateLimits } from "../http/rate_limits.ts";
import type { TrustedProxies } from "../http/trusted_proxies.ts";
import type { Logger } from "../observability/logger.ts";

/** The service as routes use it. */
export interface Services {
  readonly config: ServiceConfig;
  readonly hub: StreamHub;
  /** Handshake checks and upgrades for the stream routes. */
  readonly streams: StreamGate;
  /** The proxies whose forwarding headers count (`TRUSTED_PROXIES`). */
  readonly trustedProxies: TrustedProxies;
  /** Per-client token buckets for the API, socket handshakes and pages. */
  readonly rateLimits: EdgeRateLimits;
  readonly logger: Logger;
  /** The service's time: what routes read to stamp a page or an export. */
  readonly clock: Clock;
  /**
   * Tracked symbols by upper-case id, for `resolveSymbol`: a live view that
   * follows listing changes.
   */
  readonly symbolTable: SymbolTable;
  health(): HealthResponse;
  /**
   * Health and freshness; with `ids`, the per-symbol freshness of those
   * tracked among them only (any case). The same `ids` rule holds for
   * `metrics`, `rooms` and `thresholds`: their totals count every symbol.
   */
  diagnostics(ids?: readonly string[]): DiagnosticsResponse;
  /**
   * Every tracked symbol's snapshot, or with `ids` only those tracked among
   * them (any case), in the order given.
   */
  symbols(ids?: readonly string[]): SymbolsResponse;
  /** The latest overview item of every symbol that ticked (server renders). */
  market(): MarketItem[];
  /** Recent ticks of one symbol, oldest first (bounded by `HISTORY_SIZE`). */
  history(symbol: string): readonly TickFrame[];
  /**
   * The newest `limit` bars of one symbol (already resolved to its channel
   * id) starting in `[from, to)`, oldest first, the bar in progress included,
   * with the outages they overlap (`GET /api/candles`).
   */
  candles(query: {
    symbol: string;
    interval: CandleInterval;
    from?: number;
    to?: number;
    limit: number;
  }): Promise<CandlesResponse>;
  /**
   * The newest `limit` bars from memory, synchronously, for the
   * server-rendered first paint.
   */
  recentCandles(
    symbol: string,
    interval: CandleInterval,
    limit: number,
  ): CandlesResponse;
  /** The newest public trades of one symbol, newest last (at most 100). */
  recentTrades(symbol: string): readonly TapeTrade[];
  /**
   * The newest stored alerts (at most 100), newest first, optionally for one
   * symbol: a synchronous read for server-rendered pages. The API pages
   * through the whole trail with {@linkcode Services.listAlerts}.
   */
  alerts(symbol?: string): AlertsResponse;
  /** One page of the durable alert trail, newest first. */
  listAlerts(
    query: AlertQuery & { readonly limit: number },
  ): Promise<AlertsResponse>;
  /** Every stored alert matching `query`, newest first, read lazily (exports). */
  streamAlerts(query: AlertQuery): AsyncIterable<AlertFrame>;
  /** One page of the threshold audit trail, newest first. */
  audit(query: AuditQuery): Promise<AuditResponse>;
  /**
   * Judges public trades for alerts (whale trades, trade-flow spikes): the
   * seam ingestion's trade callback feeds.
   */
  raiseTradeAlerts(trades: readonly MarketTrade[]): void;
  /** Judges liquidations for alerts: the seam ingestion's liquidations feed. */
  raiseLiquidationAlerts(liquidations: readonly MarketLiquidation[]): void;
  rooms(ids?: readonly string[]): RoomsResponse;
  /** Subscriber count of one symbol; throws a 404 HttpError if unknown. */
  room(symbol: string): RoomResponse;
  metrics(ids?: readonly string[]): MetricsResponse;
  thresholds(ids?: readonly string[]): ThresholdsResponse;
  /**
   * Validated, audited and persisted change of one symbol's lines (whale,
   * trade, spike; at least one), applied to ingestion and alerting.
   */
  setThreshold(
    symbol: string,
    update: ThresholdUpdate,
    actorIp: string,
  ): Promise<ThresholdUpdateResponse>;
  /**
   * Every price-level alert, oldest first, as this instance last read them
   * (synchronous, for the page's first paint).
   */
  priceAlerts(): PriceAlertsResponse;
  /**
   * Every price-level alert as stored now, oldest first — on a shared
   * engine, what any instance created a moment ago included
   * (`GET /api/price-alerts`).
   */
  listPriceAlerts(): Promise<PriceAlertsResponse>;
  /**
   * Stores and audits a validated price-level alert (symbol canonical);
   * throws a `PriceAlertLimitError` past the per-symbol or total bound.
   */
  addPriceAlert(
    request: PriceAlertRequest,
    actorIp: string,
  ): Promise<PriceAlert>;
  /** Deletes and audits one; throws a `PriceAlertNotFoundError` for an unknown id. */
  deletePriceAlert(id: string, actorIp: string): Promise<void>;
}

/**
 * `ctx.state` for every route: the services, and what the edge middleware
 * resolved about the client (its IP from `X-Forwarded-For` only behind a
 * trusted proxy).
 */
export interface AppState extends EdgeState {
  readonly services: Services;
}
