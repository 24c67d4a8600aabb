/**
 * zod schemas for Bybit's `allLiquidation.{symbol}` pushes on the linear
 * stream: every forced close of a position, `{T, s, S, v, p}` per item, side
 * `S` being the liquidated position's (`Buy`: a long was liquidated).
 *
 * Each item is validated on its own, with plausibility bounds on top of the
 * number format: a price or size of zero, a notional beyond any real
 * liquidation, a time before the exchange existed — absurd values are
 * rejected and counted, and so never reach the alert rules.
 */
import { z } from "zod";
import type { MarketLiquidation } from "../../market/market_liquidation.ts";
import { decimalString } from "./bybit_schema.ts";
import { PLAUSIBLE } from "./plausible_ranges.ts";

/**
 * Largest liquidation notional believed, USDT: ten billion, far beyond the
 * largest single forced close ever reported.
 */
export const MAX_LIQUIDATION_NOTIONAL = 1e10;

/** Earliest believable liquidation time: 2018-01-01 UTC (before Bybit's perps). */
export const MIN_LIQUIDATION_TIME = 1_514_764_800_000;

/** One item of an `allLiquidation.*` push. */
export const liquidationItemSchema = z.object({
  T: z.number().int().min(MIN_LIQUIDATION_TIME),
  s: z.string().max(40),
  S: z.enum(["Buy", "Sell"]),
  v: decimalString({ range: PLAUSIBLE.size }).refine((v) => v > 0, {
    message: "size must be above zero",
  }),
  p: decimalString({ range: PLAUSIBLE.price }).refine((p) => p > 0, {
    message: "price must be above zero",
  }),
}).refine((item) => item.p * item.v <= MAX_LIQUIDATION_NOTIONAL, {
  message: `notional above ${MAX_LIQUIDATION_NOTIONAL} USDT is not believable`,
  path: ["v"],
});

/** An `allLiquidation.*` push; items stay `unknown` until validated one by one. */
export const liquidationPushSchema = z.object({
  topic: z.string(),
  ts: z.number().int().nonnegative(),
  type: z.literal("snapshot"),
  data: z.array(z.unknown()).max(10_000),
});

/** Maps a validated item to a {@linkcode MarketLiquidation} of channel `id`. */
export function toMarketLiquidation(
  item: z.infer<typeof liquidationItemSchema>,
  id: string,
): MarketLiquidation {
  return {
    symbol: id,
    time: item.T,
    side: item.S,
    price: item.p,
    size: item.v,
    notional: item.p * item.v,
  };
}
