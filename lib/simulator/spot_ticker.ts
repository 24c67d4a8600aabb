/**
 * Bybit's wire format for one spot ticker: every number a decimal string,
 * prices on the symbol's tick grid. Kept apart from the market model so the
 * REST list and the WebSocket `tickers.*` snapshot format the same numbers the
 * same way.
 */
import type { SymbolSpec } from "./symbol_specs.ts";

/** One spot item of `/v5/market/tickers`, exactly as Bybit sends it. */
export interface SpotTickerItem {
  readonly symbol: string;
  readonly bid1Price: string;
  readonly bid1Size: string;
  readonly ask1Price: string;
  readonly ask1Size: string;
  readonly lastPrice: string;
  readonly prevPrice24h: string;
  readonly price24hPcnt: string;
  readonly highPrice24h: string;
  readonly lowPrice24h: string;
  readonly turnover24h: string;
  readonly volume24h: string;
  readonly usdIndexPrice: string;
}

/** The numeric state of one symbol at one instant, before formatting. */
export interface SymbolQuote {
  /** Latest price, not yet on the tick grid. */
  readonly price: number;
  /** Best bid and ask, in ticks below and above the latest price. */
  readonly bidTicksBelow: number;
  readonly askTicksAbove: number;
  readonly bidSize: number;
  readonly askSize: number;
  readonly high24h: number;
  readonly low24h: number;
  readonly prevPrice24h: number;
  readonly turnover24h: number;
  readonly volume24h: number;
  /** USD index price relative to the latest price, e.g. 1.0002. */
  readonly indexRatio: number;
}

/**
 * A price in whole ticks. Every price goes through this one function: scaling
 * and rounding are both monotonic, so `low ≤ price ≤ high` survives it.
 */
export function priceTicks(price: number, decimals: number): number {
  return Math.round(price * 10 ** decimals);
}

/** Whole ticks as a decimal string with `decimals` places. */
export function formatTicks(ticks: number, decimals: number): string {
  return (ticks / 10 ** decimals).toFixed(decimals);
}

/** A price as Bybit would print it for a symbol with `decimals`. */
export function formatPrice(price: number, decimals: number): string {
  return formatTicks(priceTicks(price, decimals), decimals);
}

/**
 * `(last − prev) / prev` as a 4-decimal fraction string, computed from the
 * rounded prices a client sees, so it checks out against them.
 */
export function formatPcnt(lastTicks: number, prevTicks: number): string {
  const text = ((lastTicks - prevTicks) / prevTicks).toFixed(4);
  return Number(text) === 0 ? "0" : text;
}

/** The fields a spot and a linear ticker share, formatted alike. */
export type QuoteFields = Omit<SpotTickerItem, "usdIndexPrice">;

/**
 * Formats what every ticker carries — prices on the symbol's tick grid, the
 * 24 h change, range, turnover and volume, the best bid and ask — so the spot
 * and linear items cannot drift apart.
 */
export function formatQuoteFields(
  spec: SymbolSpec,
  quote: SymbolQuote,
): QuoteFields {
  const decimals = spec.priceDecimals;
  const last = priceTicks(quote.price, decimals);
  const prev = priceTicks(quote.prevPrice24h, decimals);
  return {
    symbol: spec.symbol,
    bid1Price: formatTicks(last - quote.bidTicksBelow, decimals),
    bid1Size: quote.bidSize.toFixed(spec.sizeDecimals),
    ask1Price: formatTicks(last + quote.askTicksAbove, decimals),
    ask1Size: quote.askSize.toFixed(spec.sizeDecimals),
    lastPrice: formatTicks(last, decimals),
    prevPrice24h: formatTicks(prev, decimals),
    price24hPcnt: formatPcnt(last, prev),
    highPrice24h: formatPrice(quote.high24h, decimals),
    lowPrice24h: formatPrice(quote.low24h, decimals),
    turnover24h: quote.turnover24h.toFixed(4),
    volume24h: quote.volume24h.toFixed(spec.sizeDecimals),
  };
}

/** Formats `quote` for `spec` as a Bybit spot ticker item. */
export function formatSpotTicker(
  spec: SymbolSpec,
  quote: SymbolQuote,
): SpotTickerItem {
  return {
    ...formatQuoteFields(spec, quote),
    usdIndexPrice: (quote.price * quote.indexRatio).toFixed(
      Math.max(8, spec.priceDecimals + 2),
    ),
  };
}
