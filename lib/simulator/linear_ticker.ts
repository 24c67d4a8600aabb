/**
 * Bybit's wire format for one USDT perpetual ticker, and the delta a linear
 * stream pushes between snapshots: only the fields whose text changed (plus
 * the symbol). Pure string building beside `spot_ticker.ts`, so the REST
 * list and the stream format the same numbers the same way.
 */
import type { PerpQuote } from "./perp_state.ts";
import {
  formatPcnt,
  formatPrice,
  formatTicks,
  priceTicks,
  type SymbolQuote,
} from "./spot_ticker.ts";
import type { SymbolSpec } from "./symbol_specs.ts";

/** One linear item of `/v5/market/tickers`, as Bybit sends it (the fields simulated). */
export interface LinearTickerItem {
  readonly symbol: string;
  readonly lastPrice: string;
  readonly indexPrice: string;
  readonly markPrice: string;
  readonly prevPrice24h: string;
  readonly price24hPcnt: string;
  readonly highPrice24h: string;
  readonly lowPrice24h: string;
  readonly openInterest: string;
  readonly openInterestValue: string;
  readonly turnover24h: string;
  readonly volume24h: string;
  readonly fundingRate: string;
  readonly nextFundingTime: string;
  readonly bid1Price: string;
  readonly bid1Size: string;
  readonly ask1Price: string;
  readonly ask1Size: string;
}

/** Formats a perpetual's quote and contract state as Bybit's linear item. */
export function formatLinearTicker(
  spec: SymbolSpec,
  quote: SymbolQuote,
  perp: PerpQuote,
): LinearTickerItem {
  const decimals = spec.priceDecimals;
  const last = priceTicks(quote.price, decimals);
  const prev = priceTicks(quote.prevPrice24h, decimals);
  const lastPrice = last / 10 ** decimals;
  return {
    symbol: spec.symbol,
    lastPrice: formatTicks(last, decimals),
    indexPrice: formatPrice(lastPrice * perp.indexRatio, decimals),
    markPrice: formatPrice(lastPrice * perp.markRatio, decimals),
    prevPrice24h: formatTicks(prev, decimals),
    price24hPcnt: formatPcnt(last, prev),
    highPrice24h: formatPrice(quote.high24h, decimals),
    lowPrice24h: formatPrice(quote.low24h, decimals),
    openInterest: perp.openInterest.toFixed(spec.sizeDecimals),
    openInterestValue: (perp.openInterest * lastPrice).toFixed(2),
    turnover24h: quote.turnover24h.toFixed(4),
    volume24h: quote.volume24h.toFixed(spec.sizeDecimals),
    fundingRate: perp.fundingRate.toFixed(6),
    nextFundingTime: String(perp.nextFundingTime),
    bid1Price: formatTicks(last - quote.bidTicksBelow, decimals),
    bid1Size: quote.bidSize.toFixed(spec.sizeDecimals),
    ask1Price: formatTicks(last + quote.askTicksAbove, decimals),
    ask1Size: quote.askSize.toFixed(spec.sizeDecimals),
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
