/**
 * The time grid of candles: how long each interval is, where its bars start,
 * and which stored resolution an interval is built from. Bars are kept at
 * three resolutions only (1 s, 1 m, 1 h); every other interval is an
 * aggregate of the largest stored resolution that divides it, so a 15 m bar
 * is always exactly its fifteen 1 m bars. Bars start on multiples of their
 * length since the epoch, i.e. in UTC, as Bybit's klines do.
 */
import {
  CANDLE_INTERVAL_MS,
  type CandleInterval,
} from "../protocol/candles.ts";

/** The resolutions bars are built and stored at. */
export const STORED_RESOLUTIONS = ["1s", "1m", "1h"] as const;

/** One of {@linkcode STORED_RESOLUTIONS}. */
export type StoredResolution = typeof STORED_RESOLUTIONS[number];

/** Length of each interval, ms: the protocol's table, shared with browsers. */
export const INTERVAL_MS = CANDLE_INTERVAL_MS;

/** The stored resolution each interval is aggregated from. */
export const BASE_RESOLUTION: Readonly<
  Record<CandleInterval, StoredResolution>
> = {
  "1s": "1s",
  "1m": "1m",
  "5m": "1m",
  "15m": "1m",
  "1h": "1h",
  "4h": "1h",
  "1d": "1h",
};

/**
 * The resolution a stored bar is aggregated from when it closes (1 m from
 * 1 s, 1 h from 1 m); none for 1 s, which is built from ticks and trades.
 */
export const FINER_RESOLUTION: Readonly<
  Record<StoredResolution, StoredResolution | undefined>
> = {
  "1s": undefined,
  "1m": "1s",
  "1h": "1m",
};

/** Start of the `interval` bar that contains epoch ms `t`. */
export function slotStart(t: number, interval: CandleInterval): number {
  const ms = INTERVAL_MS[interval];
  return Math.floor(t / ms) * ms;
}
