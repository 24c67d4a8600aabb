/**
 * Composition of the running service: ingestion (worker or inline, only on
 * the instance that leads the stream) publishes to the stream engine; the
 * engine delivers to every instance's hub, which fans out to sockets; the
 * read models behind the API are assembled here. Everything with a lifetime
 * is started here and stopped by `shutdown()` in reverse order; what the
 * engine's roles start and stop is wired in `engine_wiring.ts`.
 *
 * With `SYMBOLS=all` the followed symbols come from the exchange's listing
 * (`listing_follow.ts`, `market_catalog.ts`): the last one saved is followed
 * at once, the listing is read again (and every
 * `INSTRUMENTS_REFRESH_SECONDS`), and each change reaches every part without
 * a restart.
 */
import { type Clock, systemClock } from "../clock/clock.ts";
import { repeatEvery } from "../clock/repeat.ts";
import type { ServiceConfig } from "../config/load_config.ts";
import type { AlertFrame } from "../protocol/frames.ts";
import { RingBuffer } from "../hub/ring_buffer.ts";
import { AlertEngine } from "../alerts/alert_engine.ts";
import { AlertPipeline } from "../alerts/alert_pipeline.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import type { MarketLiquidation } from "../market/market_liquidation.ts";
import { RetentionSweeper } from "../ledger/retention.ts";
import { MemoryEngine } from "../engine/memory_engine.ts";
import { RedisEngine } from "../engine/redis_engine.ts";
import type { StreamEngine } from "../engine/stream_engine.ts";
import { StreamHub } from "../hub/stream_hub.ts";
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import { startIngestion } from "../ingestion/hosting/ingestion_host.ts";
import {
  saveHubSnapshot,
  snapshotEntries,
  takeHubSnapshot,
} from "../ledger/hub_snapshot_store.ts";
import type { Logger } from "../observability/logger.ts";
import type { Services } from "./app_state.ts";
import { startFanoutGovernor } from "./fanout_governor_loop.ts";
import { buildServices } from "./services_facade.ts";
import { diagnose } from "./diagnostics.ts";
import { StreamGate } from "./stream_gate.ts";
import type { SocketLayer } from "../socket/stream_socket.ts";
import { denoSocketLayer } from "../socket/deno_socket_layer.ts";
import {
  connectEngine,
  type EngineWaiting,
  instanceIdFor,
  warnWithoutAof,
} from "./engine_connect.ts";
import type { EngineLink } from "./engine_link.ts";
import { EngineWiring } from "./engine_wiring.ts";
import { LeaderIngestion } from "./leader_ingestion.ts";
import {
  openAlertLedger,
  openLeaderStores,
  openThresholds,
} from "./shared_ledger.ts";
import { startCandleStage } from "./candle_stage.ts";
import { PriceAlerts } from "./price_alerts.ts";
import { lineDefaults, MarketCatalog } from "./market_catalog.ts";
import { IntakeMeter } from "./intake_meter.ts";
import {
  followAnnouncement,
  followListing,
  knownSymbols,
  type ListingFollowOptions,
} from "./listing_follow.ts";

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
  /** Told about each failed attempt to reach the stream engine at start. */
  readonly onEngineWaiting?: (waiting: EngineWaiting) => void;
  /** Aborting it gives up waiting for the stream engine at start. */
  readonly signal?: AbortSignal;
  /** This instance's id. Default `INSTANCE_ID`, else a random one. */
  readonly instance?: string;
  /** What accepts and sends on stream sockets. Default `Deno.upgradeWebSocket`. */
  readonly socketLayer?: SocketLayer;
  /** `fetch` of the instruments listing (`SYMBOLS=all`). Default: global. */
  readonly fetch?: typeof fetch;
}

/** Interval of the market overview's frames (`/ws/market`), ms. */
export const MARKET_FRAME_MS = 1_000;

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
  const known = await knownSymbols(config, kv);
  const catalog = new MarketCatalog(known.symbols);
  const ids = catalog.ids();
  if (config.followAll) {
    logger.info("Following known symbols until the instruments listing loads", {
      symbols: ids.length,
      from: known.saved ? "saved listing" : "defaults",
      markets: config.markets.join(","),
    });
  }

  const instance = options.instance ?? instanceIdFor(config);
  const engine: StreamEngine = await connectEngine({
    config,
    logger,
    kv,
    clock,
    historySize: config.historySize,
    historyChars: config.historyChars,
    channels: ids,
    instance,
    onWaiting: options.onEngineWaiting,
    signal: options.signal,
    onWarning: (message, error) =>
      logger.warn(message, { error, component: "engine" }),
  });
  const shared = !(engine instanceof MemoryEngine);
  if (engine instanceof MemoryEngine) {
    // One process: a graceful restart continues the sequences from KV.
    const snapshot = await takeHubSnapshot(kv);
    if (snapshot) {
      engine.store.restore(snapshot.epoch, snapshotEntries(snapshot));
      logger.info("Resumed stream sequences", { epoch: snapshot.epoch });
    }
  } else {
    logger.info("Joined the shared stream", {
      engine: engine.kind,
      instance,
      epoch: engine.epoch,
    });
    if (engine instanceof RedisEngine) warnWithoutAof(engine, logger);
  }
  const socketLayer = options.socketLayer ?? denoSocketLayer;
  const hub = new StreamHub({
    symbols: ids,
    historySize: config.historySize,
    historyChars: config.historyChars,
    clock,
    epoch: engine.epoch,
    instance: shared ? instance : undefined,
    prepare: socketLayer.prepare,
  });
  const lines = lineDefaults(config, known.symbols);
  const thresholds = await openThresholds(engine, kv, {
    defaults: lines.whale,
    alertDefaults: {
      trade: lines.trade,
      spike: lines.spike,
      liquidation: lines.liquidation,
    },
    clock,
  });
  const ledger = await openAlertLedger(engine, kv);
  const alertStore = ledger.trail;
  // The link is made below, once the parts it drives exist; the stores and
  // announcements ask it for the lease and the channel when they write.
  let link: EngineLink | undefined = undefined;
  const stores = openLeaderStores(engine, kv, () => link?.lease);
  const candleStage = await startCandleStage({
    // Bars for what is followed at start (`SYMBOLS=all`: the saved listing);
    // the catalog adds later listings (`CatalogParts.candles`).
    config: { ...config, symbols: catalog.symbols },
    store: stores.candles,
    hub,
    logger,
    clock,
    publish: shared ? (items) => link?.publishDerived(items) : undefined,
  });
  const priceAlerts = await PriceAlerts.open({
    backend: stores.priceAlerts,
    audit: thresholds,
    hysteresis: config.alerts.hysteresis,
    cooldownMs: config.alerts.cooldownMs,
    logger,
    clock,
    onChanged: () =>
      void link?.announcePriceAlerts().catch((error) =>
        logger.warn("Price alert change stored but not announced", { error })
      ),
  });
  const streams = new StreamGate({
    hub,
    logger,
    origins: {
      allowed: new Set(config.security.allowedOrigins),
      allowMissing: config.security.allowMissingOrigin,
    },
    publicOrigin: config.security.publicOrigin,
    maxSocketsPerIp: config.security.maxSocketsPerIp,
    layer: socketLayer,
  });

  const recentAlerts = new RingBuffer<AlertFrame>(RECENT_ALERTS);
  for (
    const alert of (await alertStore.list({ limit: RECENT_ALERTS })).alerts
      .reverse()
  ) {
    recentAlerts.push(alert);
  }
  const alertRules = new AlertEngine({
    thresholds: Object.fromEntries(ids.map((id) => {
      const liquidation = thresholds.get(id, "liquidation");
      return [id, {
        whale: thresholds.get(id, "whale")!,
        trade: thresholds.get(id, "trade")!,
        spike: thresholds.get(id, "spike")!,
        ...(liquidation !== undefined && { liquidation }),
      }];
    })),
    cooldownMs: config.alerts.cooldownMs,
    hysteresis: config.alerts.hysteresis,
    spikeWindowMs: config.alerts.spikeWindowMs,
    clock,
  });

  const intake = new IntakeMeter(clock);
  const ingestion = new LeaderIngestion({
    mode: config.ingestInWorker ? "worker" : "inline",
    start: (whaleLines) =>
      startIngestion({
        config: {
          ...config,
          symbols: catalog.symbols,
          thresholds: {
            ...thresholds.all(),
            ...Object.fromEntries(whaleLines),
          },
        },
        mode: config.ingestInWorker ? "worker" : "inline",
        clock,
        onTicks: (ticks) =>
          intake.take(ticks, () => {
            wiring.link.publishTicks(ticks);
            candleStage.observeTicks(ticks);
            raiseTickAlerts(ticks);
          }),
        onTrades: (trades) => {
          candleStage.observeTrades(trades);
          raiseTradeAlerts(trades);
        },
        onLiquidations: raiseLiquidationAlerts,
        onState: (state) => wiring.setUpstream(state),
        onLog: (level, message, fields) =>
          logger[level](message, { ...fields, component: "ingestion" }),
      }),
  });

  const listingFollow: ListingFollowOptions = {
    config,
    kv,
    logger,
    clock,
    catalog,
    fetch: options.fetch,
    parts: {
      hub,
      candles: candleStage,
      alerts: alertRules,
      thresholds,
      ingestion,
      whaleLine: (id) => thresholds.get(id, "whale")!,
      config,
    },
    // A KV engine watches a fixed set of channels: a new listing's too.
    onAdded: (added) => void engine.addChannels?.(added),
    // The leader of a shared engine tells the followers (engine_wiring.ts).
    onChange: (market, change) => wiring.announceListing(market, change),
  };
  const wiring: EngineWiring = new EngineWiring({
    engine,
    hub,
    leaseMs: config.engine.leaseMs,
    logger,
    clock,
    thresholds,
    alertRules,
    ingestion,
    candleStage,
    priceAlerts,
    recentAlerts,
    tracks: (symbol) => catalog.get(symbol) !== undefined,
    onListing: (announcement) =>
      followAnnouncement(listingFollow, announcement),
    diagnostics: () => diagnostics(),
  });
  link = wiring.link;

  // Stored first, pushed second: see alert_pipeline.ts and shared_ledger.ts.
  // Every instance pushes what the engine delivers (the link's onAlert).
  const pipeline = new AlertPipeline({
    sink: {
      append: async (drafts) => {
        const stored = await ledger.append(drafts, wiring.link);
        void wiring.link.saveHandover();
        return stored;
      },
    },
    publish: () => {},
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
      ...alertRules.observeTicks(ticks),
      ...priceAlerts.observeTicks(ticks),
    ]);
  /**
   * Trade-level alerts (whale trades, trade-flow spikes). The seam for the
   * ingestion's `onTrades` callback.
   */
  const raiseTradeAlerts = (trades: readonly MarketTrade[]) =>
    pipeline.submit(
      alertRules.observeTrades(
        trades,
        wiring.upstream?.simulated ? "simulator" : "ws",
      ),
    );
  /** Liquidation alerts: the seam for the ingestion's `onLiquidations`. */
  const raiseLiquidationAlerts = (liquidations: readonly MarketLiquidation[]) =>
    pipeline.submit(
      alertRules.observeLiquidations(
        liquidations,
        wiring.upstream?.simulated ? "simulator" : "ws",
      ),
    );

  const diagnostics = () => ({
    ...diagnose({
      now: now(),
      startedAt: wiring.ledSince ?? startedAt,
      upstream: wiring.shownUpstream,
      follower: wiring.link.role === "follower",
      symbols: catalog.ids(),
      lastTickAt: (symbol) => hub.latestTs(symbol),
      ingestion: ingestionDiagnostics(),
      upstreamHost: new URL(
        config.upstream.mode === "ws"
          ? config.upstream.wsUrl
          : config.upstream.tickersUrl,
      ).host,
      configuredMode: config.upstream.mode,
      engineConnected: engine.connected,
      listing: config.followAll
        ? {
          markets: watcher?.state() ?? [],
          delisted: catalog.delistings(),
        }
        : null,
    }),
    engine: wiring.link.diagnostics(),
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

  const watcher = followListing(listingFollow);
  await wiring.start();

  retention.start();
  const sweeps = repeatEvery(clock, 250, () => hub.sweep());
  const marketFrames = repeatEvery(
    clock,
    MARKET_FRAME_MS,
    () => hub.publishMarket(),
  );
  const governor = options.loadShedding === false
    ? undefined
    : startFanoutGovernor(hub, logger, clock);
  const heartbeats = repeatEvery(clock, heartbeatMs, () => {
    hub.heartbeat(heartbeatMs);
    wiring.publishStatusIfChanged();
  });

  const services = buildServices({
    config,
    logger,
    hub,
    streams,
    catalog,
    thresholds,
    alertStore,
    recentAlerts,
    engine: alertRules,
    link: wiring.link,
    pipeline,
    ingestion,
    intake,
    candleStage,
    priceAlerts,
    upstream: () => wiring.upstream,
    diagnostics,
    raiseTradeAlerts,
    raiseLiquidationAlerts,
    startedAt,
    clock,
  });

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    stopping ??= (async () => {
      sweeps.stop();
      marketFrames.stop();
      await watcher?.stop();
      governor?.stop();
      heartbeats.stop();
      wiring.stopRepeats();
      await ingestion.stop();
      // Alerts raised by the last ticks are stored and pushed before the
      // sockets close; retention must not run while KV is being closed.
      await pipeline.drained();
      // The last bars are stored (fenced: under the lease) and announced.
      await candleStage.stop();
      // Releases the lease: a follower takes over now, not after it expires.
      await wiring.link.stop();
      await retention.stop();
      if (engine instanceof MemoryEngine) {
        try {
          await saveHubSnapshot(kv, hub.snapshot());
        } catch (error) {
          logger.warn("Could not save the stream snapshot", { error });
        }
      }
      streams.closeAll();
      await engine.close();
    })();

  return { services, shutdown };
}
