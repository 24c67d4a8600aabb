/**
 * Starts and stops everything candles and the tape need, so the service's
 * lifecycle file wires them in a few lines: the candle stage on Deno KV
 * (the same store as the alert trail), its retention, the start-up
 * backfill from the exchange's klines (in the background: the service
 * listens at once and the bars appear as they arrive), the tape of recent
 * trades, the push cycle of candle and trades frames, and the outage log
 * fed by the upstream status.
 */
import {
  backfillCandles,
  type KlineSource,
} from "../candles/candle_backfill.ts";
import { CandleService } from "../candles/candle_service.ts";
import { type Clock, systemClock } from "../clock/clock.ts";
import type { ServiceConfig } from "../config/load_config.ts";
import type { StreamHub } from "../hub/stream_hub.ts";
import { KlineClient, klineUrlFrom } from "../ingestion/bybit/kline_client.ts";
import { KvCandleStore } from "../ledger/kv_candle_store.ts";
import { RetentionSweeper } from "../ledger/retention.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import type { Logger } from "../observability/logger.ts";
import type { CandleTick } from "../candles/candle_service.ts";
import type { StatusFrame } from "../protocol/frames.ts";
import { TradeTape } from "../tape/trade_tape.ts";
import { LiveFeed } from "./live_feed.ts";

/** Options of {@linkcode startCandleStage}. */
export interface CandleStageOptions {
  readonly config: ServiceConfig;
  /** The KV store shared with the alert trail. */
  readonly kv: Deno.Kv;
  readonly hub: StreamHub;
  readonly logger: Logger;
  /** Time and timers. Default the system clock. */
  readonly clock?: Clock;
  /** Pause between retention runs, ms. Default 60 000. */
  readonly retentionIntervalMs?: number;
}

/** The running candle stage. */
export interface CandleStage {
  readonly candles: CandleService;
  readonly tape: TradeTape;
  /** Ingestion's ticks (after the hub has them). */
  observeTicks(ticks: readonly CandleTick[]): void;
  /** Ingestion's public trades. */
  observeTrades(trades: readonly MarketTrade[]): void;
  /** Every status frame the service publishes: offline opens an outage. */
  statusChanged(status: StatusFrame): void;
  /** Ends the backfill and the push cycle, writes what is queued. */
  stop(): Promise<void>;
}

/** Opens the candle store, starts the push cycle, retention and backfill. */
export async function startCandleStage(
  options: CandleStageOptions,
): Promise<CandleStage> {
  const { config, hub, logger } = options;
  const clock = options.clock ?? systemClock;
  const symbols = config.symbols.map((s) => s.id);
  const store = new KvCandleStore(options.kv);
  const candles = await CandleService.open({
    symbols,
    store,
    horizonsMs: config.candles.horizonsMs,
    clock,
    onError: (error) => logger.warn("Candles could not be written", { error }),
  });
  const tape = new TradeTape(symbols);
  const feed = new LiveFeed({ hub, candles, tape, clock });
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

  const stopBackfill = new AbortController();
  const backfill = config.candles.backfillMs > 0
    ? runBackfill(options, candles, clock, stopBackfill.signal)
    : Promise.resolve();

  return {
    candles,
    tape,
    observeTicks: (ticks) => candles.observeTicks(ticks),
    observeTrades: (trades) => {
      candles.observeTrades(trades);
      tape.add(trades);
    },
    statusChanged: (status) =>
      candles.outages.followStatus(
        status.upstream,
        status.last_success,
        clock.now(),
      ),
    stop: async () => {
      stopBackfill.abort();
      await backfill;
      feed.stop();
      await retention.stop();
      await candles.stop();
    },
  };
}

/** The backfill of `options.config`, logged; never rejects. */
async function runBackfill(
  options: CandleStageOptions,
  candles: CandleService,
  clock: Clock,
  signal: AbortSignal,
): Promise<void> {
  const { config, logger } = options;
  const client = new KlineClient({
    klineUrl: klineUrlFrom(config.upstream.tickersUrl),
    timeoutMs: config.upstream.timeoutMs,
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
      symbols: config.symbols,
      spanMs: config.candles.backfillMs,
      horizonsMs: config.candles.horizonsMs,
      clock,
      signal,
      onError: (symbol, error) =>
        logger.warn("Candle backfill failed for a symbol", {
          symbol,
          error: error instanceof Error ? error.message : String(error),
        }),
    });
    if (!signal.aborted) {
      logger.info("Candles backfilled", {
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
