/**
 * The zod schema of one item of Bybit's `publicTrade.{symbol}` pushes: every
 * trade of a symbol, `{T, s, S, v, p, i}` per item (`S` the taker's side, `i` the
 * trade id, `seq` a sequence number where sent).
 *
 * Each item is validated on its own: zod checks its shape, strings where
 * Bybit sends numbers as strings; `tradeFromItem` then reads price and size
 * (finite, plausible) and checks their notional, so a trade worth more than
 * any real one never reaches the whale rule.
 */
import { z } from "zod";
import type { MarketTrade } from "../../market/market_trade.ts";
import {
  type DecimalField,
  FieldProblem,
  readPriceAndSize,
} from "./decimal_fields.ts";
import { implausible, PLAUSIBLE } from "./plausible_ranges.ts";

/**
 * The shape of one trade of a `publicTrade.*` push; its decimal strings are
 * read by {@linkcode tradeFromItem}.
 */
export const publicTradeItemSchema = z.object({
  T: z.number().int().nonnegative(),
  s: z.string(),
  S: z.enum(["Buy", "Sell"]),
  v: z.string(),
  p: z.string(),
  i: z.string().min(1).max(64),
  BT: z.boolean().optional(),
  seq: z.number().int().nonnegative().optional(),
});

const TRADE_DECIMALS: readonly DecimalField[] = [
  { key: "v", range: PLAUSIBLE.size },
  { key: "p", range: PLAUSIBLE.price },
];

/**
 * Maps a shaped trade to a {@linkcode MarketTrade} of channel `id`: price
 * and size finite and plausible, and so their notional. Returns the first
 * problem otherwise.
 */
export function tradeFromItem(
  item: z.infer<typeof publicTradeItemSchema>,
  id: string,
): MarketTrade | FieldProblem {
  const read = readPriceAndSize(item, TRADE_DECIMALS);
  if (read instanceof FieldProblem) return read;
  const outside = implausible(read.notional, PLAUSIBLE.turnover);
  if (outside) return new FieldProblem("notional", outside);
  const trade: { -readonly [K in keyof MarketTrade]: MarketTrade[K] } = {
    symbol: id,
    id: item.i,
    time: item.T,
    price: read.p,
    size: read.v,
    notional: read.notional,
    side: item.S,
  };
  if (item.seq !== undefined) trade.seq = item.seq;
  return trade;
}
