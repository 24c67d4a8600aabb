/**
 * A tracked market as every part of the service names it: the channel id
 * clients use and the exchange's own symbol, with the rules a channel id obeys
 * wherever it is accepted (configuration, path parameters, queries).
 */

/** The symbol id a channel is known by: letters, digits and dashes only. */
export const CHANNEL_ID_PATTERN = /^[A-Za-z0-9-]+$/;

/** Longest channel id accepted anywhere (path parameters, config, query). */
export const MAX_CHANNEL_ID_LENGTH = 32;

/** One tracked symbol: the channel id clients use and the exchange's symbol. */
export interface TrackedSymbol {
  /** Channel id as clients name it, e.g. `BTC-USDT`. */
  readonly id: string;
  /** The exchange's spot symbol, e.g. `BTCUSDT`. */
  readonly upstream: string;
}
