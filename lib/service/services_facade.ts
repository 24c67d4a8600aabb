/**
 * The {@linkcode Services} facade routes call: read models (health, symbols,
 * rooms, metrics, alert pages) and commands (threshold changes) over the
 * parts `sentinel_service.ts` started. It owns no lifetime of its own: the
 * lifecycle file starts and stops the parts, this file only answers from them.
 */
import type { Clock } from "../clock/clock.ts";
import type { ServiceConfig } from "../config/load_config.ts";
import type { AlertFrame, TickFrame } from "../protocol/frames.ts";
import type {
  AlertMetrics,
  DiagnosticsResponse,
  MemoryMetrics,
} from "../protocol/api_types.ts";
import type { RingBuffer } from "../hub/ring_buffer.ts";
import type { StreamHub } from "../hub/stream_hub.ts";
import type { AlertEngine } from "../alerts/alert_engine.ts";
import { alertMetrics, withPriceLevels } from "../alerts/alert_metrics.ts";
import type { AlertPipeline } from "../alerts/alert_pipeline.ts";
import {
  thresholdChanges,
  thresholdUpdateResponse,
} from "../alerts/threshold_update.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import type { AlertTrail } from "../ledger/alert_trail.ts";
import type { MarketLiquidation } from "../market/market_liquidation.ts";
import type { MarketCatalog } from "./market_catalog.ts";
import type { ThresholdStore } from "../ledger/threshold_store.ts";
import { resolveSymbol } from "../http/symbol_policy.ts";
import { EdgeRateLimits } from "../http/rate_limits.ts";
import { TrustedProxies } from "../http/trusted_proxies.ts";
import type { UpstreamState } from "../ingestion/engines/engine_contract.ts";
import type { IngestionHandle } from "../ingestion/hosting/ingestion_handle.ts";
import type { HeapFigures } from "../ingestion/hosting/worker_messages.ts";
import type { Logger } from "../observability/logger.ts";
import type { Services } from "./app_state.ts";
import { auditResponse } from "./audit_response.ts";
import { ingestMetrics } from "./diagnostics.ts";
import {
  answeringDomainErrors,
  answeringDomainErrorsAsync,
} from "./domain_errors.ts";
import { candleMetrics } from "../candles/candle_metrics.ts";
import type { EngineLink } from "./engine_link.ts";
import type { StreamGate } from "./stream_gate.ts";
import type { CandleStage } from "./candle_stage.ts";
import type { PriceAlerts } from "./price_alerts.ts";
import type { IntakeMeter } from "./intake_meter.ts";

/** The running parts the facade answers from. */
export interface ServiceParts {
  readonly config: ServiceConfig;
  readonly logger: Logger;
  readonly hub: StreamHub;
  readonly streams: StreamGate;
  /** The followed symbols, kept current as listings change. */
  readonly catalog: MarketCatalog;
  readonly thresholds: ThresholdStore;
  readonly alertStore: AlertTrail;
  /** Newest stored alerts, oldest first, for synchronous page renders. */
  readonly recentAlerts: RingBuffer<AlertFrame>;
  readonly engine: AlertEngine;
  /** This instance's side of the shared stream. */
  readonly link: EngineLink;
  readonly pipeline: AlertPipeline;
  readonly ingestion: IngestionHandle;
  /** Tick age and cycle handling on the main thread. */
  readonly intake: IntakeMeter;
  /** Candles, their outages and the trades tape. */
  readonly candleStage: CandleStage;
  /** Price-level alerts: the stored set and its rules. */
  readonly priceAlerts: PriceAlerts;
  /** The latest state ingestion reported, if any yet. */
  upstream(): UpstreamState | undefined;
  diagnostics(): DiagnosticsResponse;
  raiseTradeAlerts(trades: readonly MarketTrade[]): void;
  raiseLiquidationAlerts(liquidations: readonly MarketLiquidation[]): void;
  /** Epoch ms the service started. */
  readonly startedAt: number;
  /** Time of uptime and of the API rate limit. */
  readonly clock: Clock;
}

/**
 * The facade over `parts`. It reads them through `parts` rather than
 * unpacking each one, so the parts are named once, where the lifecycle
 * assembles them.
 */
export function buildServices(parts: ServiceParts): Services {
  /**
   * The tracked channel ids among `ids` (any case), in their order, once
   * each; undefined: every one.
   */
  const tracked = (ids: readonly string[] | undefined) =>
    ids === undefined ? undefined : new Set(
      ids.flatMap((id) => parts.catalog.table.get(id.toUpperCase()) ?? []),
    );
  const { config, hub, clock } = parts;
  const uptimeSeconds = () =>
    Math.round((clock.now() - parts.startedAt) / 1000);
  const rateLimits = new EdgeRateLimits({
    apiPerMinute: config.security.apiRateLimitPerMinute,
    handshakesPerMinute: config.security.handshakeRateLimitPerMinute,
    pagesPerMinute: config.security.pageRateLimitPerMinute,
    clock,
  });
  return {
    config,
    hub,
    streams: parts.streams,
    trustedProxies: new TrustedProxies(config.security.trustedProxies),
    rateLimits,
    logger: parts.logger,
    clock,
    symbolTable: parts.catalog.table,
    health: () => ({
      status: "ok",
      uptime_s: uptimeSeconds(),
      epoch: hub.epoch,
    }),
    diagnostics: (ids) => {
      const diagnostics = parts.diagnostics();
      const keep = tracked(ids);
      return keep === undefined ? diagnostics : {
        ...diagnostics,
        symbols: diagnostics.symbols.filter((s) => keep.has(s.symbol)),
      };
    },
    symbols: (ids) => {
      const unavailable = new Set(parts.upstream()?.unavailableSymbols ?? []);
      const asked = tracked(ids);
      const chosen = asked === undefined
        ? parts.catalog.symbols
        : [...asked].flatMap((id) => parts.catalog.get(id) ?? []);
      return {
        symbols: chosen.map((s) => ({
          symbol: s.id,
          upstream: s.upstream,
          market: s.category,
          available: !unavailable.has(s.id),
          threshold: parts.thresholds.get(s.id) ?? 0,
          trade_threshold: parts.thresholds.get(s.id, "trade") ?? 0,
          tick: hub.latest(s.id) ?? null,
        })),
      };
    },
    market: () => hub.marketItems(),
    history: (symbol): readonly TickFrame[] =>
      hub.history(resolveSymbol(symbol, parts.catalog.table)),
    candles: (query) => parts.candleStage.candles.candles(query),
    recentCandles: (symbol, interval, limit) =>
      parts.candleStage.candles.recent({
        symbol: resolveSymbol(symbol, parts.catalog.table),
        interval,
        limit,
      }),
    recentTrades: (symbol) =>
      parts.candleStage.tape.recent(resolveSymbol(symbol, parts.catalog.table)),
    alerts: (symbol) => {
      const id = symbol === undefined
        ? undefined
        : resolveSymbol(symbol, parts.catalog.table);
      const alerts = parts.recentAlerts.slice().reverse().filter((a) =>
        id === undefined || a.symbol === id
      );
      return {
        alerts,
        next_cursor:
          alerts.length === 0 || parts.alertStore.count <= alerts.length
            ? null
            : alerts[alerts.length - 1].id,
      };
    },
    listAlerts: (query) => parts.alertStore.list(query),
    streamAlerts: (query) => parts.alertStore.iterate(query),
    audit: async (query) =>
      auditResponse(await parts.thresholds.auditPage(query)),
    raiseTradeAlerts: parts.raiseTradeAlerts,
    raiseLiquidationAlerts: parts.raiseLiquidationAlerts,
    rooms: (ids) => ({
      total: hub.activeSubscribers,
      rooms: pick(hub.roomCounts(), tracked(ids)),
    }),
    room: (symbol) => {
      const id = resolveSymbol(symbol, parts.catalog.table);
      return { symbol: id, subscribers: hub.roomCounts()[id] ?? 0 };
    },
    metrics: (ids) => ({
      uptime_s: uptimeSeconds(),
      ticks_processed: hub.ticksPublished,
      upstream_requests: parts.upstream()?.counters.requests ?? 0,
      upstream_errors: parts.upstream()?.counters.errors ?? 0,
      items_rejected: parts.upstream()?.counters.itemsRejected ?? 0,
      sockets_active: hub.activeSubscribers,
      market_sockets_active: hub.marketSubscribers,
      symbols_tracked: parts.catalog.symbols.length,
      sockets_opened_total: hub.subscribersOpened,
      handshakes_rejected_total: parts.streams.rejected,
      inbound_closes_total: parts.streams.inboundCloses,
      rate_limited_total: rateLimits.refused(),
      messages_sent: hub.stats.messagesSent,
      bytes_sent: hub.stats.bytesSent,
      conflated_total: hub.stats.conflated,
      slow_closes_total: hub.stats.slowCloses,
      fanout_interval_ms: hub.fanoutIntervalMs,
      ingestion_restarts: parts.ingestion.status().restarts,
      alerts: alertsOf(
        alertMetrics(
          withPriceLevels(parts.engine.stats(), parts.priceAlerts.stats()),
          parts.pipeline.stats(),
          parts.alertStore.count,
        ),
        tracked(ids),
      ),
      ingest: ingestMetrics(parts.upstream(), config.upstream.mode),
      intake: parts.intake.metrics(),
      candles: candleMetrics(
        parts.candleStage.candles.stats(),
        parts.candleStage.backfillPending(),
      ),
      engine: parts.link.metrics(),
      memory: memoryMetrics(parts.ingestion.status().workerHeap),
    }),
    thresholds: (ids) => {
      const keep = tracked(ids);
      return {
        thresholds: pick(parts.thresholds.all("whale"), keep),
        trade_thresholds: pick(parts.thresholds.all("trade"), keep),
        spike_thresholds: pick(parts.thresholds.all("spike"), keep),
        liquidation_thresholds: pick(parts.thresholds.all("liquidation"), keep),
        writable: config.security.adminToken !== undefined,
      };
    },
    setThreshold: async (symbol, update, actorIp) => {
      const id = resolveSymbol(symbol, parts.catalog.table);
      const changes = answeringDomainErrors(() => thresholdChanges(update));
      const records = await parts.thresholds.update(id, changes, actorIp);
      parts.engine.setThresholds(id, changes);
      if (changes.whale !== undefined) {
        parts.ingestion.setThreshold(id, changes.whale);
      }
      // Every other instance (and the leader's ingestion) applies it from
      // the stream before its next tick; the change is stored either way.
      await parts.link.announceThresholds(id, changes).catch((error) =>
        parts.logger.warn("Threshold change stored but not announced", {
          error,
        })
      );
      for (const record of records) {
        parts.logger.info("Threshold changed", {
          symbol: id,
          kind: record.kind,
          previous: record.previous,
          threshold: record.threshold,
          actor_ip: actorIp,
        });
      }
      return thresholdUpdateResponse(id, parts.thresholds.get(id)!, records);
    },
    priceAlerts: () => parts.priceAlerts.list(),
    listPriceAlerts: () => parts.priceAlerts.listStored(),
    addPriceAlert: (request, actorIp) =>
      answeringDomainErrorsAsync(() =>
        parts.priceAlerts.add(
          request,
          hub.latest(request.symbol)?.price,
          actorIp,
        )
      ),
    deletePriceAlert: (id, actorIp) =>
      answeringDomainErrorsAsync(() => parts.priceAlerts.remove(id, actorIp)),
  };
}

/** The process's memory now, with the worker's heap as it last reported it. */
/**
 * The entries of `record` whose key `keep` has, in `record`'s order (every
 * one without it).
 */
function pick<T>(
  record: Readonly<Record<string, T>>,
  keep: ReadonlySet<string> | undefined,
): Readonly<Record<string, T>> {
  if (keep === undefined) return record;
  const picked: Record<string, T> = {};
  for (const key in record) if (keep.has(key)) picked[key] = record[key];
  return picked;
}

/** `alerts` with its per-symbol counts for `keep` only (totals unchanged). */
function alertsOf(
  alerts: AlertMetrics,
  keep: ReadonlySet<string> | undefined,
): AlertMetrics {
  return keep === undefined ? alerts : {
    ...alerts,
    raised: pick(alerts.raised, keep),
    suppressed: pick(alerts.suppressed, keep),
  };
}

function memoryMetrics(workerHeap: HeapFigures | null): MemoryMetrics {
  const usage = Deno.memoryUsage();
  return {
    rss_bytes: usage.rss,
    main_heap_used_bytes: usage.heapUsed,
    main_heap_total_bytes: usage.heapTotal,
    external_bytes: usage.external,
    worker_heap_used_bytes: workerHeap?.used ?? null,
    worker_heap_total_bytes: workerHeap?.total ?? null,
  };
}
