/**
 * The {@linkcode Services} facade routes call: read models (health, symbols,
 * rooms, metrics, alert pages) and commands (threshold changes) over the
 * parts `sentinel_service.ts` started. It owns no lifetime of its own: the
 * lifecycle file starts and stops the parts, this file only answers from them.
 */
import type { ServiceConfig } from "../config/load_config.ts";
import type { AlertFrame, TickFrame } from "../protocol/frames.ts";
import type { DiagnosticsResponse } from "../protocol/api_types.ts";
import type { RingBuffer } from "../hub/ring_buffer.ts";
import type { StreamHub } from "../hub/stream_hub.ts";
import type { AlertEngine } from "../alerts/alert_engine.ts";
import { alertMetrics } from "../alerts/alert_metrics.ts";
import type { AlertPipeline } from "../alerts/alert_pipeline.ts";
import {
  thresholdChanges,
  thresholdUpdateResponse,
} from "../alerts/threshold_update.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import type { AlertStore } from "../ledger/alert_store.ts";
import type { ThresholdStore } from "../ledger/threshold_store.ts";
import { resolveSymbol, type SymbolTable } from "../http/symbol_policy.ts";
import { TokenBucketLimiter } from "../http/token_bucket.ts";
import type { UpstreamState } from "../ingestion/engines/rest_ingest_loop.ts";
import type { IngestionHandle } from "../ingestion/hosting/ingestion_handle.ts";
import type { Logger } from "../observability/logger.ts";
import type { Services } from "./app_state.ts";
import { ingestMetrics } from "./diagnostics.ts";
import type { StreamGate } from "./stream_gate.ts";

/** The running parts the facade answers from. */
export interface ServiceParts {
  readonly config: ServiceConfig;
  readonly logger: Logger;
  readonly hub: StreamHub;
  readonly streams: StreamGate;
  /** Tracked symbols by upper-case id. */
  readonly table: SymbolTable;
  readonly thresholds: ThresholdStore;
  readonly alertStore: AlertStore;
  /** Newest stored alerts, oldest first, for synchronous page renders. */
  readonly recentAlerts: RingBuffer<AlertFrame>;
  readonly engine: AlertEngine;
  readonly pipeline: AlertPipeline;
  readonly ingestion: IngestionHandle;
  /** The latest state ingestion reported, if any yet. */
  upstream(): UpstreamState | undefined;
  diagnostics(): DiagnosticsResponse;
  raiseTradeAlerts(trades: readonly MarketTrade[]): void;
  /** Epoch ms the service started. */
  readonly startedAt: number;
  /** Clock, epoch ms. */
  now(): number;
}

/** The facade over `parts`. */
export function buildServices(parts: ServiceParts): Services {
  const {
    config,
    logger,
    hub,
    streams,
    table,
    thresholds,
    alertStore,
    recentAlerts,
    engine,
    pipeline,
    ingestion,
    upstream,
    diagnostics,
    raiseTradeAlerts,
    startedAt,
    now,
  } = parts;
  return {
    config,
    hub,
    streams,
    apiLimiter: new TokenBucketLimiter({
      capacity: config.security.apiRateLimitPerMinute,
      now,
    }),
    logger,
    symbolTable: table,
    health: () => ({
      status: "ok",
      uptime_s: Math.round((now() - startedAt) / 1000),
      epoch: hub.epoch,
    }),
    diagnostics,
    symbols: () => {
      const unavailable = new Set(upstream()?.unavailableSymbols ?? []);
      return {
        symbols: config.symbols.map((s) => ({
          symbol: s.id,
          upstream: s.upstream,
          available: !unavailable.has(s.id),
          threshold: thresholds.get(s.id) ?? 0,
          tick: hub.latest(s.id) ?? null,
        })),
      };
    },
    history: (symbol): readonly TickFrame[] =>
      hub.history(resolveSymbol(symbol, table)),
    alerts: (symbol) => {
      const id = symbol === undefined
        ? undefined
        : resolveSymbol(symbol, table);
      const alerts = recentAlerts.slice().reverse().filter((a) =>
        id === undefined || a.symbol === id
      );
      return {
        alerts,
        next_cursor: alerts.length === 0 || alertStore.count <= alerts.length
          ? null
          : alerts[alerts.length - 1].id,
      };
    },
    listAlerts: (query) => alertStore.list(query),
    streamAlerts: (query) => alertStore.iterate(query),
    audit: (query) => thresholds.auditPage(query),
    raiseTradeAlerts,
    rooms: () => {
      const rooms = hub.roomCounts();
      return { total: hub.activeSubscribers, rooms };
    },
    room: (symbol) => {
      const id = resolveSymbol(symbol, table);
      return { symbol: id, subscribers: hub.roomCounts()[id] ?? 0 };
    },
    metrics: () => ({
      uptime_s: Math.round((now() - startedAt) / 1000),
      ticks_processed: hub.ticksPublished,
      upstream_requests: upstream()?.counters.requests ?? 0,
      upstream_errors: upstream()?.counters.errors ?? 0,
      items_rejected: upstream()?.counters.itemsRejected ?? 0,
      sockets_active: hub.activeSubscribers,
      sockets_opened_total: hub.subscribersOpened,
      handshakes_rejected_total: streams.rejected,
      messages_sent: hub.stats.messagesSent,
      bytes_sent: hub.stats.bytesSent,
      conflated_total: hub.stats.conflated,
      slow_closes_total: hub.stats.slowCloses,
      fanout_interval_ms: hub.fanoutIntervalMs,
      ingestion_restarts: ingestion.status().restarts,
      alerts: alertMetrics(
        engine.stats(),
        pipeline.stats(),
        alertStore.count,
      ),
      ingest: ingestMetrics(upstream(), config.upstream.mode),
    }),
    thresholds: () => ({
      thresholds: thresholds.all("whale"),
      trade_thresholds: thresholds.all("trade"),
      spike_thresholds: thresholds.all("spike"),
      writable: config.security.adminToken !== undefined,
    }),
    setThreshold: async (symbol, update, actorIp) => {
      const id = resolveSymbol(symbol, table);
      const changes = thresholdChanges(update);
      const records = await thresholds.update(id, changes, actorIp);
      engine.setThresholds(id, changes);
      if (changes.whale !== undefined) {
        ingestion.setThreshold(id, changes.whale);
      }
      for (const record of records) {
        logger.info("Threshold changed", {
          symbol: id,
          kind: record.kind,
          previous: record.previous,
          threshold: record.threshold,
          actor_ip: actorIp,
        });
      }
      return thresholdUpdateResponse(id, thresholds.get(id)!, records);
    },
  };
}
