/**
 * A tracked market as every part of the service names it: the channel id
 * clients use, the exchange's own symbol and the market category, with the
 * rules a channel id obeys wherever it is accepted (configuration, path
 * parameters, queries).
 *
 * Bybit uses the same symbol (`BTCUSDT`) for the spot pair and the USDT
 * perpetual, so state is keyed by (category, symbol). The channel id encodes
 * both: spot keeps today's form (`BTC-USDT`), a perpetual adds a suffix
 * (`BTC-USDT-PERP`). Keying by channel id is therefore keying by
 * (category, symbol).
 */

/** The channel id pattern: letters, digits and dashes only. */
export const CHANNEL_ID_PATTERN = /^[A-Za-z0-9-]+$/;

/** Longest channel id accepted anywhere (path parameters, config, query). */
export const MAX_CHANNEL_ID_LENGTH = 32;

/** Bybit market categories the service follows. */
export const MARKET_CATEGORIES = ["spot", "linear"] as const;

/** `spot` pairs, or `linear` (USDT perpetual) contracts. */
export type MarketCategory = typeof MARKET_CATEGORIES[number];

/** Suffix of a perpetual's channel id: `BTC-USDT-PERP`. */
export const PERP_SUFFIX = "-PERP";

/** One tracked symbol: the channel id clients use and the exchange's symbol. */
export interface TrackedSymbol {
  /** Channel id as clients name it, e.g. `BTC-USDT` or `BTC-USDT-PERP`. */
  readonly id: string;
  /** The exchange's symbol within its category, e.g. `BTCUSDT`. */
  readonly upstream: string;
  /** Which market the symbol trades in. */
  readonly category: MarketCategory;
}

/**
 * The channel id of an instrument from its coins, as the exchange lists them
 * (never by cutting its symbol apart: multiplied names such as
 * `1000PEPEUSDT` exist): `BTC-USDT`, or `BTC-USDT-PERP` for a perpetual.
 * Undefined when the coins do not make a valid channel id.
 */
export function channelIdOf(
  baseCoin: string,
  quoteCoin: string,
  category: MarketCategory,
): string | undefined {
  const id = `${baseCoin}-${quoteCoin}${
    category === "linear" ? PERP_SUFFIX : ""
  }`.toUpperCase();
  return isChannelId(id) ? id : undefined;
}

/** Whether `id` is 1–32 letters, digits or dashes. */
export function isChannelId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_CHANNEL_ID_LENGTH &&
    CHANNEL_ID_PATTERN.test(id);
}

/** The category a channel id names: a `-PERP` suffix is a perpetual. */
export function categoryOfId(id: string): MarketCategory {
  return id.toUpperCase().endsWith(PERP_SUFFIX) ? "linear" : "spot";
}
