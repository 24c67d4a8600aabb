/**
 * Candles (OHLCV bars) as the API answers them and the stream pushes them.
 *
 * The server builds bars per symbol from ticks and public trades at three
 * stored resolutions (1 s, 1 m, 1 h) and aggregates longer intervals from
 * them. `GET /api/candles?symbol=&interval=&from=&to=&limit=` answers a
 * {@linkcode CandlesResponse}, oldest first; a socket that asks for candles
 * (`/ws/stream?…&candles=<interval>`) receives {@linkcode CandleFrame}s for its
 * symbols: the open bar as it changes (conflated) and each bar once more with
 * `closed: true` when it ends. Candle frames are derived data: they carry no
 * `seq` and are not replayed; after a reconnect a client refetches the API.
 */

/** Bar intervals the API and the stream accept. */
export const CANDLE_INTERVALS = [
  "1s",
  "1m",
  "5m",
  "15m",
  "1h",
  "4h",
  "1d",
] as const;

/** One of {@linkcode CANDLE_INTERVALS}. */
export type CandleInterval = typeof CANDLE_INTERVALS[number];

/**
 * Length of each interval, ms. Bars start on multiples of it since the
 * epoch (in UTC, as Bybit's klines do), on the server and in the browser.
 */
export const CANDLE_INTERVAL_MS: Readonly<Record<CandleInterval, number>> = {
  "1s": 1_000,
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
};

/**
 * Where a bar's volume and turnover came from: public trades while they
 * stream, or the growth of the 24 h turnover between ticks (an estimate).
 */
export type CandleVolumeSource = "trades" | "turnover";

/** One bar; `t` is its start, epoch ms. */
export interface Candle {
  readonly t: number;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
  /** Base-asset volume traded in the bar. */
  readonly v: number;
  /** Quote (USDT) turnover in the bar. */
  readonly turnover: number;
  /** How `v` and `turnover` were measured. */
  readonly volume_source?: CandleVolumeSource;
}

/** A span in which the service had no market data, and why. */
export interface Outage {
  /** Epoch ms the data stopped. */
  readonly from: number;
  /** Epoch ms it resumed, or null while it lasts. */
  readonly to: number | null;
  /** A short human-readable reason, e.g. "Exchange feed offline". */
  readonly reason: string;
}

/** The answer of `GET /api/candles`. */
export interface CandlesResponse {
  readonly symbol: string;
  readonly interval: CandleInterval;
  /** Oldest first; an interval with no data has no bar (a gap). */
  readonly candles: readonly Candle[];
  /** Outages overlapping the answered range, oldest first. */
  readonly outages: readonly Outage[];
}

/** A live bar pushed on the stream. */
export interface CandleFrame {
  readonly type: "candle";
  readonly symbol: string;
  readonly interval: CandleInterval;
  readonly t: number;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
  readonly v: number;
  /** True exactly once per bar, when it has ended. */
  readonly closed: boolean;
}
