/**
 * Composition of the running service: ingestion (worker or inline) feeds the
 * hub; the hub fans out to sockets; the read models behind the API are
 * assembled here. Everything with a lifetime is started here and stopped by
 * `shutdown()` in reverse order.
 */
import type { ServiceConfig } from "../config/load_config.ts";
import type { AlertFrame, TickFrame } from "../hub/frames.ts";
import { RingBuffer } from "../hub/ring_buffer.ts";
import { StreamHub } from "../hub/stream_hub.ts";
import { HttpError } from "../http/http_error.ts";
import { resolveSymbol, symbolTable } from "../http/symbol_policy.ts";
import { TokenBucketLimiter } from "../http/token_bucket.ts";
import type { AnalyzedTick } from "../analytics/tick_analyzer.ts";
import type { UpstreamState } from "../ingestion/ingest_loop.ts";
import { startIngestion } from "../ingestion/ingestion_host.ts";
import {
  saveHubSnapshot,
  takeHubSnapshot,
} from "../ledger/hub_snapshot_store.ts";
import { ThresholdStore } from "../ledger/threshold_store.ts";
import type { Logger } from "../observability/logger.ts";
import type { Services } from "./app_state.ts";
import { diagnose, statusFrame } from "./diagnostics.ts";
import { StreamGate } from "./stream_gate.ts";

/** Options of {@linkcode startSentinel}. */
export interface SentinelOptions {
  readonly config: ServiceConfig;
  readonly logger: Logger;
  /** The KV store for thresholds and the restart snapshot. */
  readonly kv: Deno.Kv;
  /** Clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Interval of heartbeat frames, ms. Default 15 000. */
  readonly heartbeatMs?: number;
}

/** A running service. */
export interface Sentinel {
  readonly services: Services;
  /** Stops ingestion, saves the hub for the next run, closes sockets (1001). */
  shutdown(): Promise<void>;
}

/** Alerts kept in memory for `/api/alerts` and the dashboard ledger. */
const ALERT_LEDGER_SIZE = 200;

/** Starts ingestion and the hub, and returns the services routes use. */
export async function startSentinel(
  options: SentinelOptions,
): Promise<Sentinel> {
  const { config, logger, kv } = options;
  const now = options.now ?? Date.now;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const startedAt = now();
  const ids = config.symbols.map((s) => s.id);
  const table = symbolTable(ids);

  const snapshot = await takeHubSnapshot(kv);
  const hub = new StreamHub({
    symbols: ids,
    historySize: config.historySize,
    now,
  }, snapshot);
  if (snapshot) logger.info("Resumed stream sequences", { epoch: hub.epoch });
  const thresholds = await ThresholdStore.open(kv, config.thresholds, now);
  const streams = new StreamGate({
    hub,
    logger,
    origins: {
      allowed: new Set(config.security.allowedOrigins),
      allowMissing: config.security.allowMissingOrigin,
    },
    trustProxy: config.security.trustProxy,
    maxSocketsPerIp: config.security.maxSocketsPerIp,
  });
  const alerts = new RingBuffer<AlertFrame>(ALERT_LEDGER_SIZE);
  let alertCounter = 0;
  let upstream: UpstreamState | undefined;
  let lastStatus = "";

  const raiseWhaleAlerts = (ticks: readonly AnalyzedTick[]) => {
    for (const tick of ticks) {
      if (!tick.whale_alert) continue;
      const at = now();
      const alert: AlertFrame = {
        type: "alert",
        id: `${at.toString(36).padStart(10, "0")}-${
          (alertCounter++).toString(36).padStart(6, "0")
        }`,
        time: new Date(at).toISOString(),
        symbol: tick.symbol,
        kind: "threshold_crossing",
        price: tick.price,
        notional: tick.volume,
        threshold: tick.whale_threshold,
        source: tick.source,
      };
      alerts.push(alert);
      hub.publishAlert(alert);
      logger.info("Whale alert", {
        symbol: alert.symbol,
        notional: alert.notional,
      });
    }
  };

  const diagnostics = () =>
    diagnose({
      now: now(),
      startedAt,
      upstream,
      symbols: ids,
      lastTickAt: (symbol) => hub.latest(symbol)?.ts,
      ingestion: ingestionDiagnostics(),
      upstreamHost: new URL(config.upstream.tickersUrl).host,
    });

  const ingestionDiagnostics = () => {
    const status = ingestion.status();
    return {
      mode: status.mode,
      running: status.running,
      restarts: status.restarts,
      last_restart_reason: status.lastRestartReason,
    };
  };

  const publishStatusIfChanged = () => {
    const frame = statusFrame(diagnostics());
    const key = `${frame.upstream}|${frame.simulated}`;
    if (key === lastStatus) return;
    lastStatus = key;
    hub.publishStatus(frame);
  };

  const ingestion = startIngestion({
    config: { ...config, thresholds: thresholds.all() },
    mode: config.ingestInWorker ? "worker" : "inline",
    onTicks: (ticks) => {
      hub.publishTicks(ticks);
      raiseWhaleAlerts(ticks);
    },
    onState: (state) => {
      upstream = state;
      hub.simulated = state.simulated;
      publishStatusIfChanged();
    },
    onLog: (level, message, fields) =>
      logger[level](message, { ...fields, component: "ingestion" }),
  });

  const sweepTimer = setInterval(() => hub.sweep(), 250);
  const heartbeatTimer = setInterval(() => {
    hub.heartbeat(heartbeatMs);
    publishStatusIfChanged();
  }, heartbeatMs);

  const services: Services = {
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
      const unavailable = new Set(upstream?.unavailableSymbols ?? []);
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
      return {
        alerts: alerts.slice().reverse().filter((a) =>
          id === undefined || a.symbol === id
        ),
      };
    },
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
      upstream_requests: upstream?.counters.requests ?? 0,
      upstream_errors: upstream?.counters.errors ?? 0,
      items_rejected: upstream?.counters.itemsRejected ?? 0,
      sockets_active: hub.activeSubscribers,
      sockets_opened_total: hub.subscribersOpened,
      handshakes_rejected_total: streams.rejected,
      messages_sent: hub.stats.messagesSent,
      bytes_sent: hub.stats.bytesSent,
      conflated_total: hub.stats.conflated,
      slow_closes_total: hub.stats.slowCloses,
      ingestion_restarts: ingestion.status().restarts,
    }),
    thresholds: () => ({
      thresholds: thresholds.all(),
      writable: config.security.adminToken !== undefined,
    }),
    setThreshold: async (symbol, threshold, actorIp) => {
      const id = resolveSymbol(symbol, table);
      if (!Number.isFinite(threshold) || threshold <= 0) {
        throw new HttpError(
          400,
          "invalid_threshold",
          "threshold must be a positive finite number",
        );
      }
      const change = await thresholds.set(id, threshold, actorIp);
      ingestion.setThreshold(id, threshold);
      logger.info("Threshold changed", {
        symbol: id,
        previous: change.previous,
        threshold,
        actor_ip: actorIp,
      });
      return { symbol: id, threshold, previous: change.previous };
    },
  };

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    stopping ??= (async () => {
      clearInterval(sweepTimer);
      clearInterval(heartbeatTimer);
      await ingestion.stop();
      try {
        await saveHubSnapshot(kv, hub.snapshot());
      } catch (error) {
        logger.warn("Could not save the stream snapshot", { error });
      }
      streams.closeAll();
    })();

  return { services, shutdown };
}
