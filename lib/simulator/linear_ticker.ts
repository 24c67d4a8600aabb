/**
 * Bybit's wire format for one USDT perpetual ticker, and the delta a linear
 * stream pushes between snapshots: only the fields whose text changed (plus
 * the symbol). Pure string building beside `spot_ticker.ts`, so the REST
 * list and the stream format the same numbers the same way.
 */
import type { PerpQuote } from "./perp_state.ts";
import {
  formatPrice,
  formatQuoteFields,
  priceTicks,
  type QuoteFields,
  type SymbolQuote,
} from "./spot_ticker.ts";
import type { SymbolSpec } from "./symbol_specs.ts";

/** One linear item of `/v5/market/tickers`, as Bybit sends it (the fields simulated). */
export interface LinearTickerItem extends QuoteFields {
  readonly indexPrice: string;
  readonly markPrice: string;
  readonly openInterest: string;
  readonly openInterestValue: string;
  readonly fundingRate: string;
  readonly nextFundingTime: string;
}

/** Formats a perpetual's quote and contract state as Bybit's linear item. */
export function formatLinearTicker(
  spec: SymbolSpec,
  quote: SymbolQuote,
  perp: PerpQuote,
): LinearTickerItem {
  const decimals = spec.priceDecimals;
  const lastPrice = priceTicks(quote.price, decimals) / 10 ** decimals;
  return {
    ...formatQuoteFields(spec, quote),
    indexPrice: formatPrice(lastPrice * perp.indexRatio, decimals),
    markPrice: formatPrice(lastPrice * perp.markRatio, decimals),
    openInterest: perp.openInterest.toFixed(spec.sizeDecimals),
    openInterestValue: (perp.openInterest * lastPrice).toFixed(2),
    fundingRate: perp.fundingRate.toFixed(6),
    nextFundingTime: String(perp.nextFundingTime),
  };
}

/**
 * The fields of `next` whose text differs from `previous`, with the symbol;
 * undefined when nothing changed (a linear stream then pushes nothing).
 */
export function tickerDelta(
  previous: Readonly<Record<string, string>>,
  next: Readonly<Record<string, string>>,
): Record<string, string> | undefined {
  let delta: Record<string, string> | undefined;
  for (const [field, value] of Object.entries(next)) {
    if (field === "symbol" || previous[field] === value) continue;
    (delta ??= { symbol: next.symbol })[field] = value;
  }
  return delta;
}
