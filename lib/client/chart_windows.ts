/**
 * The chart's windows (how much time it shows) and the bar interval each one
 * draws, so every window holds a readable number of candles: seconds bars up
 * to 15 minutes, minute bars from an hour to a day (a day is 1,440 bars).
 *
 * Only the 1 s and 1 m resolutions are ever fetched or streamed: the page's
 * socket always asks for 1 s candles and longer bars are aggregated from them
 * in the browser, so switching windows never reconnects.
 */
import {
  CANDLE_INTERVAL_MS,
  type CandleInterval,
} from "../protocol/candles.ts";

/** One chart window: the span it shows and the bars it draws. */
export interface ChartWindowSpec {
  readonly spanMs: number;
  readonly interval: CandleInterval;
}

/** Windows the selector offers, shortest first. */
export const CHART_WINDOWS = {
  "1m": { spanMs: 60_000, interval: "1s" },
  "5m": { spanMs: 300_000, interval: "1s" },
  "15m": { spanMs: 900_000, interval: "1s" },
  "1h": { spanMs: 3_600_000, interval: "1m" },
  "4h": { spanMs: 14_400_000, interval: "1m" },
  "1d": { spanMs: 86_400_000, interval: "1m" },
} as const satisfies Readonly<Record<string, ChartWindowSpec>>;

/** A chart window name. */
export type ChartWindow = keyof typeof CHART_WINDOWS;

/** The window a page shows before the viewer picks one: an hour of 1 m bars. */
export const DEFAULT_CHART_WINDOW: ChartWindow = "1h";

/** The stream's candle interval: the finest one, aggregated upwards. */
export const STREAM_INTERVAL: CandleInterval = "1s";

/** Bars loaded beyond a short window, so there is history to pan into. */
export const MIN_LOADED_BARS = 300;

/** How far back a window loads, ms: its span, or 300 bars if that is more. */
export function loadSpanMs(window: ChartWindow): number {
  const spec = CHART_WINDOWS[window];
  return Math.max(
    spec.spanMs,
    CANDLE_INTERVAL_MS[spec.interval] * MIN_LOADED_BARS,
  );
}

/** Whether `name` is a window the selector offers. */
export function isChartWindow(name: unknown): name is ChartWindow {
  return typeof name === "string" && Object.hasOwn(CHART_WINDOWS, name);
}
