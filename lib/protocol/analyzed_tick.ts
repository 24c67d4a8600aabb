/**
 * The tick the hub takes in: what ingestion measured and analytics derived,
 * before the hub numbers it. It crosses the worker boundary (posted by the
 * ingestion worker) and becomes a {@linkcode TickFrame} on the wire.
 */
import type { VolatilityTier } from "./frames.ts";

/** A tick with its analytics, before the hub gives it `seq` and `ts`. */
export interface AnalyzedTick {
  /** Channel id, e.g. `BTC-USDT`. */
  readonly symbol: string;
  readonly price: number;
  readonly high: number;
  readonly low: number;
  /** 24 h turnover in USDT. */
  readonly volume: number;
  /** 24 h change in percent. */
  readonly change: number;
  /** Volatility spread `(high − low) / low × 100`, percent (4 decimals). */
  readonly spread: number;
  /** 24 h turnover at or above the whale threshold (a level). */
  readonly is_whale: boolean;
  /** True only on the tick where `is_whale` became true (an edge). */
  readonly whale_alert: boolean;
  readonly whale_threshold: number;
  readonly tier: VolatilityTier;
  /** Position of the price in the 24 h low–high band, 0–100 (4 decimals). */
  readonly range_position: number;
  /** Price velocity in percent per second since the previous tick (6 decimals). */
  readonly velocity: number;
  /** Exchange time of the underlying snapshot, epoch ms. */
  readonly upstream_ts: number;
  /** Where the data came from. */
  readonly source: "rest" | "ws" | "simulator";
  /**
   * Perpetuals only (absent on spot, so spot frames are unchanged on the
   * wire): mark price.
   */
  readonly mark_price?: number;
  /** Perpetuals: index price. */
  readonly index_price?: number;
  /** Perpetuals: open interest, in contracts. */
  readonly open_interest?: number;
  /** Perpetuals: open interest, in USDT. */
  readonly open_interest_value?: number;
  /** Perpetuals: current funding rate, a fraction (`0.0001` = 0.01 %). */
  readonly funding_rate?: number;
  /** Perpetuals: next funding time, epoch ms. */
  readonly next_funding_time?: number;
}

/** The perpetual-only fields of an analysed tick, in wire order. */
export const PERP_FIELDS = [
  "mark_price",
  "index_price",
  "open_interest",
  "open_interest_value",
  "funding_rate",
  "next_funding_time",
] as const;
