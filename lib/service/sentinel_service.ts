/**
 * Composition of the running service: ingestion (worker or inline) feeds the
 * hub; the hub fans out to sockets; the read models behind the API are
 * assembled here. Everything with a lifetime is started here and stopped by
 * `shutdown()` in reverse order.
 */
import { type Clock, systemClock } from "../clock/clock.ts";
import { repeatEvery } from "../clock/repeat.ts";
import type { ServiceConfig } from "../config/load_config.ts";
import type { AlertFrame } from "../protocol/frames.ts";
import { RingBuffer } from "../hub/ring_buffer.ts";
import { AlertEngine } from "../alerts/alert_engine.ts";
import { AlertPipeline } from "../alerts/alert_pipeline.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import { AlertStore } from "../ledger/alert_store.ts";
import { RetentionSweeper } from "../ledger/retention.ts";
import { StreamHub } from "../hub/stream_hub.ts";
import { symbolTable } from "../http/symbol_policy.ts";
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import type { UpstreamState } from "../ingestion/engines/engine_contract.ts";
import { startIngestion } from "../ingestion/hosting/ingestion_host.ts";
import {
  saveHubSnapshot,
  takeHubSnapshot,
} from "../ledger/hub_snapshot_store.ts";
import { ThresholdStore } from "../ledger/threshold_store.ts";
import type { Logger } from "../observability/logger.ts";
import type { Services } from "./app_state.ts";
import { startFanoutGovernor } from "./fanout_governor_loop.ts";
import { buildServices } from "./services_facade.ts";
import { diagnose, statusFrame } from "./diagnostics.ts";
import { StreamGate } from "./stream_gate.ts";
import { startCandleStage } from "./candle_stage.ts";
import { PriceAlerts } from "./price_alerts.ts";

/** Options of {@linkcode startSentinel}. */
export interface SentinelOptions {
  readonly config: ServiceConfig;
  readonly logger: Logger;
  /** The KV store for thresholds, the alert trail and the restart snapshot. */
  readonly kv: Deno.Kv;
  /**
   * Time and timers of the hub, the alert rules, the threshold audit, the
   * rate limit and the periodic work (sweeps, heartbeats, the fan-out
   * governor). Default {@linkcode systemClock}.
   */
  readonly clock?: Clock;
  /** Interval of heartbeat frames, ms. Default 15 000. */
  readonly heartbeatMs?: number;
  /** Pause between alert retention runs, ms. Default 60 000. */
  readonly retentionIntervalMs?: number;
  /**
   * Whether the fan-out governor thins broadcasts while the event loop runs
   * late (see `fanout_governor_loop.ts`). Default true. Tests that assert
   * every live tick arrives turn it off: on a loaded test machine thinning is
   * the intended answer, not a lost tick.
   */
  readonly loadShedding?: boolean;
}

/** A running service. */
export interface Sentinel {
  readonly services: Services;
  /** Stops ingestion, saves the hub for the next run, closes sockets (1001). */
  shutdown(): Promise<void>;
}

/**
 * Newest stored alerts kept in memory for server-rendered pages, which read
 * synchronously. A cache of the trail, not a ledger of its own: seeded from
 * KV at start and fed only after a commit, so it never shows an alert the
 * trail lacks. The API reads the trail itself.
 */
const RECENT_ALERTS = 100;

/** Starts ingestion and the hub, and returns the services routes use. */
export async function startSentinel(
  options: SentinelOptions,
): Promise<Sentinel> {
  const { config, logger, kv } = options;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const startedAt = now();
  const ids = config.symbols.map((s) => s.id);
  const table = symbolTable(ids);

  const snapshot = await takeHubSnapshot(kv);
  const hub = new StreamHub({
    symbols: ids,
    historySize: config.historySize,
    clock,
  }, snapshot);
  if (snapshot) logger.info("Resumed stream sequences", { epoch: hub.epoch });
  const thresholds = await ThresholdStore.open(kv, {
    defaults: config.thresholds,
    alertDefaults: {
      trade: config.alerts.tradeThresholds,
      spike: config.alerts.spikeThresholds,
    },
    clock,
  });
  const alertStore = await AlertStore.open(kv);
  const candleStage = await startCandleStage({
    config,
    kv,
    hub,
    logger,
    clock,
  });
  const priceAlerts = await PriceAlerts.open({
    kv,
    audit: thresholds,
    hysteresis: config.alerts.hysteresis,
    cooldownMs: config.alerts.cooldownMs,
    logger,
    clock,
  });
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
  let upstream: UpstreamState | undefined;
  let lastStatus = "";

  const recentAlerts = new RingBuffer<AlertFrame>(RECENT_ALERTS);
  for (
    const alert of (await alertStore.list({ limit: RECENT_ALERTS })).alerts
      .reverse()
  ) {
    recentAlerts.push(alert);
  }
  const engine = new AlertEngine({
    thresholds: Object.fromEntries(ids.map((id) => [id, {
      whale: thresholds.get(id, "whale")!,
      trade: thresholds.get(id, "trade")!,
      spike: thresholds.get(id, "spike")!,
    }])),
    cooldownMs: config.alerts.cooldownMs,
    hysteresis: config.alerts.hysteresis,
    spikeWindowMs: config.alerts.spikeWindowMs,
    clock,
  });
  // Stored first, pushed second: see alert_pipeline.ts.
  const pipeline = new AlertPipeline({
    sink: alertStore,
    publish: (alert) => {
      recentAlerts.push(alert);
      hub.publishAlert(alert);
      logger.info("Alert", {
        id: alert.id,
        symbol: alert.symbol,
        kind: alert.kind,
        notional: alert.notional,
        threshold: alert.threshold,
      });
    },
    onError: (error, lost) =>
      logger.error("Alerts could not be stored and were not pushed", {
        error,
        lost,
      }),
    onDrop: (dropped) =>
      logger.warn("Alert queue full: alerts dropped", { dropped }),
  });
  const retention = new RetentionSweeper({
    store: alertStore,
    maxAgeMs: config.alerts.retentionMaxAgeMs,
    maxCount: config.alerts.retentionMaxCount,
    intervalMs: options.retentionIntervalMs,
    clock,
    onPruned: (result) =>
      logger.info("Alert retention", {
        deleted: result.deleted,
        more: result.more,
      }),
    onError: (error) => logger.warn("Alert retention failed", { error }),
  });

  const raiseTickAlerts = (ticks: readonly AnalyzedTick[]) =>
    pipeline.submit([
      ...engine.observeTicks(ticks),
      ...priceAlerts.observeTicks(ticks),
    ]);
  /**
   * Trade-level alerts (whale trades, trade-flow spikes). The seam for the
   * ingestion's `onTrades` callback.
   */
  const raiseTradeAlerts = (trades: readonly MarketTrade[]) =>
    pipeline.submit(
      engine.observeTrades(trades, upstream?.simulated ? "simulator" : "ws"),
    );

  const diagnostics = () =>
    diagnose({
      now: now(),
      startedAt,
      upstream,
      symbols: ids,
      lastTickAt: (symbol) => hub.latest(symbol)?.ts,
      ingestion: ingestionDiagnostics(),
      upstreamHost: new URL(
        config.upstream.mode === "ws"
          ? config.upstream.wsUrl
          : config.upstream.tickersUrl,
      ).host,
      configuredMode: config.upstream.mode,
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
    const key = `${frame.upstream}|${frame.simulated}|${frame.mode}`;
    if (key === lastStatus) return;
    lastStatus = key;
    hub.publishStatus(frame);
    candleStage.statusChanged(frame);
  };

  const ingestion = startIngestion({
    config: { ...config, thresholds: thresholds.all() },
    mode: config.ingestInWorker ? "worker" : "inline",
    clock,
    onTicks: (ticks) => {
      hub.publishTicks(ticks);
      candleStage.observeTicks(ticks);
      raiseTickAlerts(ticks);
    },
    onTrades: (trades) => {
      candleStage.observeTrades(trades);
      raiseTradeAlerts(trades);
    },
    onState: (state) => {
      upstream = state;
      hub.simulated = state.simulated;
      publishStatusIfChanged();
    },
    onLog: (level, message, fields) =>
      logger[level](message, { ...fields, component: "ingestion" }),
  });

  retention.start();
  const sweeps = repeatEvery(clock, 250, () => hub.sweep());
  const governor = options.loadShedding === false
    ? undefined
    : startFanoutGovernor(hub, logger, clock);
  const heartbeats = repeatEvery(clock, heartbeatMs, () => {
    hub.heartbeat(heartbeatMs);
    publishStatusIfChanged();
  });

  const services = buildServices({
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
    candleStage,
    priceAlerts,
    upstream: () => upstream,
    diagnostics,
    raiseTradeAlerts,
    startedAt,
    clock,
  });

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    stopping ??= (async () => {
      sweeps.stop();
      governor?.stop();
      heartbeats.stop();
      await ingestion.stop();
      // Alerts raised by the last ticks are stored and pushed before the
      // sockets close; retention must not run while KV is being closed.
      await pipeline.drained();
      await retention.stop();
      await candleStage.stop();
      try {
        await saveHubSnapshot(kv, hub.snapshot());
      } catch (error) {
        logger.warn("Could not save the stream snapshot", { error });
      }
      streams.closeAll();
    })();

  return { services, shutdown };
}
