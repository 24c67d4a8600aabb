/**
 * Turns normalised market ticks into analysed ticks: the original payload
 * fields plus tier, range position and velocity. Stateful per symbol (the
 * previous tick for velocity, the whale edge), so one analyzer lives where the
 * ticks are produced: in the ingestion worker.
 */
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import type { MarketTick, TickSource } from "../market/market_tick.ts";
import { priceVelocity } from "./velocity.ts";
import {
  rangePosition,
  volatilitySpread,
  volatilityTier,
} from "./volatility.ts";
import { isWhaleActivity, WhaleEdgeDetector } from "./whale.ts";

/** Analyses ticks in arrival order, one symbol's state kept per symbol. */
export class TickAnalyzer {
  #thresholds: Map<string, number>;
  #previous = new Map<string, { price: number; ts: number }>();
  #whaleEdges = new WhaleEdgeDetector();

  /** `thresholds`: whale threshold (USDT of 24 h turnover) per channel id. */
  constructor(thresholds: Readonly<Record<string, number>>) {
    this.#thresholds = new Map(Object.entries(thresholds));
  }

  /** Replaces one symbol's whale threshold; the edge detector re-arms. */
  setThreshold(symbol: string, threshold: number): void {
    this.#thresholds.set(symbol, threshold);
    this.#whaleEdges.reset(symbol);
  }

  /** Analyses one tick; `source` says where it came from. */
  analyze(tick: MarketTick, source: TickSource): AnalyzedTick {
    const threshold = this.#thresholds.get(tick.symbol) ?? Infinity;
    const spread = volatilitySpread(tick.high, tick.low);
    const isWhale = isWhaleActivity(tick.volume, threshold);
    const previous = this.#previous.get(tick.symbol);
    this.#previous.set(tick.symbol, { price: tick.price, ts: tick.upstreamTs });
    return {
      symbol: tick.symbol,
      price: tick.price,
      high: tick.high,
      low: tick.low,
      volume: tick.volume,
      change: tick.change,
      spread,
      is_whale: isWhale,
      whale_alert: this.#whaleEdges.observe(tick.symbol, isWhale),
      whale_threshold: Number.isFinite(threshold) ? threshold : 0,
      tier: volatilityTier(spread),
      range_position: rangePosition(tick.price, tick.high, tick.low),
      velocity: previous
        ? priceVelocity(
          previous.price,
          previous.ts,
          tick.price,
          tick.upstreamTs,
        )
        : 0,
      upstream_ts: tick.upstreamTs,
      source,
    };
  }
}
