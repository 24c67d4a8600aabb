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
import {
  type DecimalField,
  FieldProblem,
  readPriceAndSize,
} from "./decimal_fields.ts";
import { PLAUSIBLE } from "./plausible_ranges.ts";

/**
 * Largest liquidation notional believed, USDT: ten billion, far beyond the
 * largest single forced close ever reported.
 */
export const MAX_LIQUIDATION_NOTIONAL = 1e10;

/** Earliest believable liquidation time: 2018-01-01 UTC (before Bybit's perps). */
export const MIN_LIQUIDATION_TIME = 1_514_764_800_000;

/**
 * The shape of one item of an `allLiquidation.*` push; its decimal strings
 * are read by {@linkcode liquidationFromItem}.
 */
export const liquidationItemSchema = z.object({
  T: z.number().int().min(MIN_LIQUIDATION_TIME),
  s: z.string().max(40),
  S: z.enum(["Buy", "Sell"]),
  v: z.string(),
  p: z.string(),
});

const LIQUIDATION_DECIMALS: readonly DecimalField[] = [
  { key: "v", range: PLAUSIBLE.size, aboveZero: "size must be above zero" },
  { key: "p", range: PLAUSIBLE.price, aboveZero: "price must be above zero" },
];

/** An `allLiquidation.*` push; items stay `unknown` until validated one by one. */
export const liquidationPushSchema = z.object({
  topic: z.string(),
  ts: z.number().int().nonnegative(),
  type: z.literal("snapshot"),
  data: z.array(z.unknown()).max(10_000),
});

/**
 * Maps a shaped item to a {@linkcode MarketLiquidation} of channel `id`:
 * price and size finite, plausible and above zero, the notional believable.
 * Returns the first problem otherwise.
 */
export function liquidationFromItem(
  item: z.infer<typeof liquidationItemSchema>,
  id: string,
): MarketLiquidation | FieldProblem {
  const read = readPriceAndSize(item, LIQUIDATION_DECIMALS);
  if (read instanceof FieldProblem) return read;
  if (!(read.notional <= MAX_LIQUIDATION_NOTIONAL)) {
    return new FieldProblem(
      "v",
      `notional above ${MAX_LIQUIDATION_NOTIONAL} USDT is not believable`,
    );
  }
  return {
    symbol: id,
    time: item.T,
    side: item.S,
    price: read.p,
    size: read.v,
    notional: read.notional,
  };
}
