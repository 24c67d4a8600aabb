/**
 * Starts and stops everything candles and the tape need, so the service's
 * lifecycle file wires them in a few lines: the candle stage on its store
 * (Deno KV, or Redis beside a Redis stream engine), its retention, the
 * backfill from the exchange's klines (in the background: the service
 * listens at once and the bars appear as they arrive), the tape of recent
 * trades, the push cycle of candle and trades frames, and the outage log
 * fed by the upstream status.
 *
 * On a shared stream engine only the leader builds bars, backfills and
 * follows the upstream status; it publishes what it stored and its bars in
 * progress every push cycle (`derived_sync.ts`), and every other instance
 * mirrors them. `lead()` and `follow()` move the role with the lease.
 */
import {
  backfillCandles,
  type KlineSource,
} from "../candles/candle_backfill.ts";
import { CandleService } from "../candles/candle_service.ts";
import { memoryWindows } from "../candles/candle_load.ts";
import type { CandleStore } from "../candles/candle_store.ts";
import { type Clock, systemClock } from "../clock/clock.ts";
import type { ServiceConfig } from "../config/load_config.ts";
import type { StreamHub } from "../hub/stream_hub.ts";
import { KlineClient, klineUrlFrom } from "../ingestion/bybit/kline_client.ts";
import { RetentionSweeper } from "../ledger/retention.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import type { TrackedSymbol } from "../market/tracked_symbol.ts";
import type { Logger } from "../observability/logger.ts";
import type { CandleTick } from "../candles/candle_service.ts";
import type { StatusFrame } from "../protocol/frames.ts";
import { TradeTape } from "../tape/trade_tape.ts";
import { BackfillQueue } from "./backfill_queue.ts";
import { DerivedSync, TAKEOVER_LOOKBACK_MS } from "./derived_sync.ts";
import { LiveFeed } from "./live_feed.ts";

/**
 * Spot pairs backfilled at once, each lane one request at a time, and the
 * least time between two requests' starts: at most 20 a second, a sixth of
 * Bybit's 600 per 5 s per IP, so a whole market's first start takes a
 * minute or two instead of several.
 */
const BACKFILL_CONCURRENCY = 4;
const BACKFILL_REQUEST_INTERVAL_MS = 50;

/** Options of {@linkcode startCandleStage}. */
export interface CandleStageOptions {
  readonly config: ServiceConfig;
  /** Where bars live: shared by every instance of a shared engine. */
  readonly store: CandleStore;
  readonly hub: StreamHub;
  readonly logger: Logger;
  /**
   * With a shared stream engine: how the leader publishes derived data to
   * the other instances. Without it this one instance builds bars for good.
   */
  readonly publish?: (items: readonly string[]) => void;
  /** Time and timers. Default the system clock. */
  readonly clock?: Clock;
  /** Pause between retention runs, ms. Default 60 000. */
  readonly retentionIntervalMs?: number;
}

/** The running candle stage. */
export interface CandleStage {
  readonly candles: CandleService;
  readonly tape: TradeTape;
  /**
   * New listings: bars and a trades tape for them too, and (on the leader)
   * a backfill of their klines.
   */
  track(symbols: readonly TrackedSymbol[]): void;
  /** Delistings: no more bars or tape for them (stored bars stay). */
  untrack(symbols: readonly string[]): void;
  /** Ingestion's ticks (after the hub has them). */
  observeTicks(ticks: readonly CandleTick[]): void;
  /** Ingestion's public trades. */
  observeTrades(trades: readonly MarketTrade[]): void;
  /** Every status frame the service publishes: offline opens an outage. */
  statusChanged(status: StatusFrame): void;
  /** This instance leads: it builds bars (and backfills) from now on. */
  lead(): Promise<void>;
  /** Another instance leads: this one mirrors its bars from now on. */
  follow(): Promise<void>;
  /** An entry of the engine's derived channel. */
  applyDerived(data: string): void;
  /** Derived data was missed: read the store again. */
  derivedGap(): void;
  /** Resolves once every derived entry handed over so far is applied. */
  settled(): Promise<void>;
  /** Steps of the backfill still to run (two per symbol), 0 when filled. */
  backfillPending(): number;
  /** Ends the backfill and the push cycle, writes (and tells) what is queued. */
  stop(): Promise<void>;
}

/** Opens the candle store, starts the push cycle and retention. */
export async function startCandleStage(
  options: CandleStageOptions,
): Promise<CandleStage> {
  const { config, hub, logger, publish } = options;
  const clock = options.clock ?? systemClock;
  const symbols = config.symbols.map((s) => s.id);
  let sync: DerivedSync | undefined;
  const windows = (count: number) =>
    memoryWindows({
      horizonsMs: config.candles.horizonsMs,
      symbols: count,
      budgetBytes: config.candles.memoryBytes,
      backfillMs: config.candles.backfillMs,
    });
  // Logged at start and whenever a listing change moves the windows (the
  // books added from then on are sized for the new count).
  let logged: string | undefined;
  const logWindows = (count: number) => {
    const memory = windows(count);
    const key = JSON.stringify(Object.values(memory.windowsMs));
    if (key === logged) return;
    logged = key;
    const seconds = (r: "1s" | "1m" | "1h") =>
      Math.round(memory.windowsMs[r] / 1000);
    logger[memory.overBudget ? "warn" : "info"](
      memory.overBudget
        ? "Candle memory windows at their least take more than CANDLES_MEMORY_MB"
        : "Candle memory windows",
      {
        symbols: count,
        window_1s_seconds: seconds("1s"),
        window_1m_seconds: seconds("1m"),
        window_1h_seconds: seconds("1h"),
        memory_mb: Math.ceil(memory.bytesPerSymbol * count / 1_048_576),
        budget_mb: Math.round(config.candles.memoryBytes / 1_048_576),
      },
    );
  };
  logWindows(symbols.length);
  const candles = await CandleService.open({
    symbols,
    store: options.store,
    horizonsMs: config.candles.horizonsMs,
    windowsFor: (count) => windows(count).windowsMs,
    role: publish ? "mirror" : "source",
    clock,
    onError: (error) => logger.warn("Candles could not be written", { error }),
    onLoaded: ({ books, ms, failures, lastError }) =>
      logger[failures > 0 ? "warn" : "info"](
        failures > 0
          ? "Candle books: some older bars could not be read (they are read from the store when asked for)"
          : "Candle books: older bars read",
        {
          books,
          seconds: Math.round(ms / 100) / 10,
          ...(failures > 0 && { failures, error: lastError }),
        },
      ),
    onStored: publish && ((stored) => sync?.stored(stored)),
  });
  const tape = new TradeTape(symbols);
  const feed: LiveFeed = new LiveFeed({
    hub,
    candles,
    tape,
    clock,
    onCycle: publish && ((trades) => sync?.publish(trades)),
  });
  if (publish) {
    sync = new DerivedSync({
      candles,
      tape,
      publish,
      onApplied: () => feed.cycle(),
      onError: (error) =>
        logger.warn("Candles from the leader could not be applied", { error }),
    });
  }
  const retention = new RetentionSweeper({
    store: { prune: ({ maxDeletes }) => candles.prune(maxDeletes ?? 1_000) },
    // Each resolution has its own horizon; the sweeper's limits are unused.
    maxAgeMs: Number.MAX_SAFE_INTEGER,
    maxCount: Number.MAX_SAFE_INTEGER,
    intervalMs: options.retentionIntervalMs,
    clock,
    onError: (error) => logger.warn("Candle retention failed", { error }),
  });
  feed.start();
  retention.start();

  const backfill = new BackfillQueue({
    followed: config.symbols,
    leading: () => candles.role === "source",
    run: config.candles.backfillMs > 0
      ? (symbols, signal, onLeft) =>
        runBackfill(options, symbols, candles, clock, signal, onLeft)
      : undefined,
  });
  // Role changes run one at a time, in the order the lease moved.
  let roles: Promise<void> = Promise.resolve();
  const serial = (task: () => Promise<void>) =>
    roles = roles.then(task).catch((error) =>
      logger.warn("Candle role change failed", { error })
    );

  return {
    candles,
    tape,
    track: (added) => {
      const ids = added.map((s) => s.id);
      candles.track(ids);
      tape.track(ids);
      logWindows(candles.symbols.length);
      backfill.track(added);
    },
    untrack: (removed) => {
      candles.untrack(removed);
      tape.untrack(removed);
      backfill.untrack(removed);
    },
    observeTicks: (ticks) => candles.observeTicks(ticks),
    observeTrades: (trades) => {
      candles.observeTrades(trades);
      tape.add(trades);
    },
    statusChanged: (status) => {
      if (candles.role !== "source") return;
      candles.outages.followStatus(
        status.upstream,
        status.last_success,
        clock.now(),
      );
    },
    lead: () =>
      serial(async () => {
        if (candles.role === "mirror") {
          sync?.reset();
          // What the last leader stored since its last update reached us.
          await candles.mirror.reload(TAKEOVER_LOOKBACK_MS);
          candles.lead();
          sync?.tookOver();
        }
        backfill.fillAll();
      }),
    follow: () =>
      serial(async () => {
        await backfill.stop();
        if (candles.role === "source") {
          sync?.reset();
          await candles.follow();
        }
      }),
    backfillPending: () => backfill.pending,
    applyDerived: (data) => sync?.apply(data),
    derivedGap: () => sync?.resync(),
    settled: () => sync?.settled() ?? Promise.resolve(),
    stop: async () => {
      await roles;
      await backfill.stop();
      feed.stop();
      await retention.stop();
      await candles.stop();
      // The last bars stored reach the followers before the lease goes.
      sync?.publish(tape.takePending());
    },
  };
}

/**
 * The backfill of `symbols` (spot pairs and perpetuals, each from its own
 * category's klines), logged; never rejects. Told how many steps are left
 * after each.
 */
async function runBackfill(
  options: CandleStageOptions,
  symbols: readonly TrackedSymbol[],
  candles: CandleService,
  clock: Clock,
  signal: AbortSignal,
  onLeft: (steps: number) => void,
): Promise<void> {
  const { config, logger } = options;
  const client = new KlineClient({
    klineUrl: klineUrlFrom(config.upstream.tickersUrl),
    timeoutMs: config.upstream.timeoutMs,
    minIntervalMs: BACKFILL_REQUEST_INTERVAL_MS,
    clock,
    onRetry: (error, delayMs) =>
      logger.warn("Kline request failed; retrying", {
        error: `${error.kind}: ${error.message}`,
        retry_in_ms: Math.round(delayMs),
      }),
  });
  const source: KlineSource = {
    fetchBars: async (request, abort) =>
      (await client.fetchPage({ ...request, limit: 1_000 }, abort)).bars,
  };
  try {
    const report = await backfillCandles({
      service: candles,
      source,
      symbols,
      concurrency: BACKFILL_CONCURRENCY,
      spanMs: config.candles.backfillMs,
      horizonsMs: config.candles.horizonsMs,
      clock,
      signal,
      onError: (symbol, error) =>
        logger.warn("Candle backfill failed for a symbol", {
          symbol,
          error: error instanceof Error ? error.message : String(error),
        }),
      onProgress: (done, total) => {
        onLeft(total - done);
        // A tenth at a time, for runs long enough to wait on.
        if (total >= 20 && done < total && done % Math.ceil(total / 10) === 0) {
          logger.info("Candle backfill progress", { done, of: total });
        }
      },
    });
    if (!signal.aborted) {
      logger.info("Candles backfilled", {
        symbols: symbols.length,
        requests: report.requests,
        bars_1m: report.taken["1m"],
        bars_1h: report.taken["1h"],
        failures: report.failures,
      });
    }
  } catch (error) {
    logger.warn("Candle backfill stopped", { error });
  }
}
