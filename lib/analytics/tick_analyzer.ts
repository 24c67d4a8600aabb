/**
 * Turns normalised market ticks into analysed ticks: the original payload
 * fields plus tier, range position and velocity. Stateful per symbol (the
 * previous tick for velocity, the whale edge), so one analyzer lives where the
 * ticks are produced: in the ingestion worker.
 */
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import type { MarketTick, TickSource } from "../market/market_tick.ts";
import {
  RANGE_POSITION_DECIMALS,
  roundTo,
  SPREAD_DECIMALS,
  VELOCITY_DECIMALS,
} from "../protocol/published_precision.ts";
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

  /**
   * Follows exactly the symbols of `thresholds` from now on (a listing
   * changed): new symbols get their line, symbols gone are forgotten with
   * their state, the others keep theirs (and their whale edge).
   */
  retain(thresholds: Readonly<Record<string, number>>): void {
    const next = new Map(Object.entries(thresholds));
    for (const symbol of this.#thresholds.keys()) {
      if (next.has(symbol)) continue;
      this.#previous.delete(symbol);
      this.#whaleEdges.reset(symbol);
    }
    for (const [symbol, threshold] of next) {
      const before = this.#thresholds.get(symbol);
      if (before !== undefined && before !== threshold) {
        this.#whaleEdges.reset(symbol);
      }
    }
    this.#thresholds = next;
  }

  /** Analyses one tick; `source` says where it came from. */
  analyze(tick: MarketTick, source: TickSource): AnalyzedTick {
    const threshold = this.#thresholds.get(tick.symbol) ?? Infinity;
    const spread = roundTo(
      volatilitySpread(tick.high, tick.low),
      SPREAD_DECIMALS,
    );
    const isWhale = isWhaleActivity(tick.volume, threshold);
    const previous = this.#previous.get(tick.symbol);
    this.#previous.set(tick.symbol, { price: tick.price, ts: tick.upstreamTs });
    const analyzed: { -readonly [K in keyof AnalyzedTick]: AnalyzedTick[K] } = {
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
      range_position: roundTo(
        rangePosition(tick.price, tick.high, tick.low),
        RANGE_POSITION_DECIMALS,
      ),
      velocity: previous
        ? roundTo(
          priceVelocity(
            previous.price,
            previous.ts,
            tick.price,
            tick.upstreamTs,
          ),
          VELOCITY_DECIMALS,
        )
        : 0,
      upstream_ts: tick.upstreamTs,
      source,
    };
    if (tick.markPrice !== undefined) analyzed.mark_price = tick.markPrice;
    if (tick.indexPrice !== undefined) analyzed.index_price = tick.indexPrice;
    if (tick.openInterest !== undefined) {
      analyzed.open_interest = tick.openInterest;
    }
    if (tick.openInterestValue !== undefined) {
      analyzed.open_interest_value = tick.openInterestValue;
    }
    if (tick.fundingRate !== undefined) {
      analyzed.funding_rate = tick.fundingRate;
    }
    if (tick.nextFundingTime !== undefined) {
      analyzed.next_funding_time = tick.nextFundingTime;
    }
    return analyzed;
  }
}
