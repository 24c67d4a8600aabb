/**
 * Geometry of the candle chart, as pure functions from bars to SVG path data
 * and axis ticks, so every rule has a unit test without a browser.
 *
 * The chart scales with its box but its text must not (the old chart's fixed
 * viewBox shrank labels to ~4 px on phones, and measuring the box instead
 * made it change size when scripts took over). So the SVG has no viewBox of
 * its own and a height fixed by the stylesheet; the bars are drawn in two
 * nested SVGs with `viewBox="0 0 1000 1000"` and `preserveAspectRatio="none"`
 * — one for prices, one for volume — stretched over their pane, lines kept
 * one pixel wide by `vector-effect`, and labels are placed in percent of the
 * outer SVG. The same markup is right at every width, on the server and in
 * the browser, before and after hydration.
 *
 * - x is time: a bar at `t` spans `t` to `t + interval`; missing bars leave
 *   blank space (a gap), never a stretched neighbour;
 * - the line view breaks wherever bars are missing or an outage band lies
 *   between two bars — it never draws across a span without data;
 * - y fits the visible bars' lows and highs, padded.
 */
import type { Candle } from "../protocol/candles.ts";
import { type AxisTick, priceTicks, timeTicks } from "./chart_axes.ts";
import { crossesBand, type OutageBand } from "./outages.ts";

/** Size of the nested SVGs' coordinate space, both ways. */
export const UNITS = 1000;
/** The price pane's height, percent of the chart's. */
export const PRICE_PANE_PCT = 76;
/** Where the volume pane starts, percent of the chart's height. */
export const VOLUME_TOP_PCT = 81;
/** Share of a bar's slot its body fills. */
export const BODY_SHARE = 0.7;
/** Smallest band width drawn, percent of the plot, so short outages show. */
export const MIN_BAND_PCT = 0.4;

/** A price-alert level drawn across the chart. */
export interface PriceLevel {
  readonly price: number;
  readonly direction: "above" | "below";
}

/** Inputs of {@linkcode buildCandleChart}. */
export interface CandleChartInput {
  /** All bars of the series, oldest first (only visible ones are drawn). */
  readonly bars: readonly Candle[];
  readonly intervalMs: number;
  /** Visible time range, epoch ms. */
  readonly start: number;
  readonly end: number;
  /** Outage bands (see `outages.ts`). */
  readonly bands?: readonly OutageBand[];
  /** Price-alert levels to draw when in range. */
  readonly levels?: readonly PriceLevel[];
  /**
   * Changes whenever a bar other than the newest changes (see
   * `CandleSeries.settledVersion`); with `cache`, the settled bars' paths
   * are reused while only the newest bar moves.
   */
  readonly settledVersion?: number;
  readonly cache?: CandleChartCache;
}

/** Path data of a run of bars, in the nested SVGs' units. */
export interface BarPaths {
  readonly bodiesUp: string;
  readonly bodiesDown: string;
  readonly wicksUp: string;
  readonly wicksDown: string;
  readonly volumeUp: string;
  readonly volumeDown: string;
  /** Close prices, broken at gaps. */
  readonly line: string;
}

/**
 * The settled bars' paths from the last build, reused while they are the
 * same: at ten renders a second with a day of 1 m bars, only the newest
 * bar's few characters are rebuilt and only its path elements change.
 */
export interface CandleChartCache {
  key: string;
  paths: BarPaths;
}

/** An empty cache for {@linkcode buildCandleChart}. */
export function candleChartCache(): CandleChartCache {
  return { key: "", paths: EMPTY_PATHS };
}

const EMPTY_PATHS: BarPaths = {
  bodiesUp: "",
  bodiesDown: "",
  wicksUp: "",
  wicksDown: "",
  volumeUp: "",
  volumeDown: "",
  line: "",
};

/** An outage band as drawn. */
export interface DrawnBand {
  /** Left edge and width, percent of the plot. */
  readonly x: number;
  readonly width: number;
  readonly band: OutageBand;
}

/** Everything the chart draws. */
export interface CandleChartModel {
  /** Bars drawn (visible in the range). */
  readonly count: number;
  /** Index of the first drawn bar in `bars`. */
  readonly firstIndex: number;
  readonly start: number;
  readonly end: number;
  /** Price range of the pane (bottom, top). */
  readonly lo: number;
  readonly hi: number;
  /** The settled bars' paths (every drawn bar but the newest). */
  readonly settled: BarPaths;
  /**
   * The newest bar's paths, when it is drawn: kept apart so live updates
   * touch only these. Its `line` continues the settled line.
   */
  readonly live: BarPaths;
  /** Largest volume drawn. */
  readonly maxVolume: number;
  /** Price labels, percent of the chart's height. */
  readonly yTicks: readonly AxisTick[];
  /** Time labels, percent of the plot's width. */
  readonly xTicks: readonly AxisTick[];
  readonly bands: readonly DrawnBand[];
  /** The newest bar's close: the last-price line and tag. */
  readonly last?: {
    readonly price: number;
    readonly pct: number;
    readonly up: boolean;
  };
  readonly levels: readonly (PriceLevel & { readonly pct: number })[];
}

/** Rounds to 0.1 unit: finer is invisible and costs bytes. */
function r(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Index of the first bar with `t >= time` (bars sorted by `t`). */
export function firstBarAtOrAfter(
  bars: readonly Candle[],
  time: number,
): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bars[mid].t < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Price range of `bars`, padded by 8 % (a flat range gets a small one). */
export function priceRange(bars: readonly Candle[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const bar of bars) {
    if (bar.l < lo) lo = bar.l;
    if (bar.h > hi) hi = bar.h;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  const pad = hi > lo ? (hi - lo) * 0.08 : Math.max(Math.abs(lo) * 0.001, 1e-9);
  return [lo - pad, hi + pad];
}

/** Builds the drawable chart of `input`. */
export function buildCandleChart(input: CandleChartInput): CandleChartModel {
  const { bars, intervalMs, start, end } = input;
  if (!(end > start)) {
    throw new RangeError(`end must be after start, got ${start}–${end}`);
  }
  if (!(intervalMs > 0)) {
    throw new RangeError(`intervalMs must be positive, got ${intervalMs}`);
  }
  const span = end - start;
  const firstIndex = firstBarAtOrAfter(bars, start - intervalMs + 1);
  const stop = firstBarAtOrAfter(bars, end);
  const visible = bars.slice(firstIndex, stop);
  const [lo, hi] = priceRange(visible);
  const x = (t: number) => ((t - start) / span) * UNITS;
  const y = (price: number) => (1 - (price - lo) / (hi - lo)) * UNITS;
  const pct = (price: number) => (y(price) / UNITS) * PRICE_PANE_PCT;
  const slot = (intervalMs / span) * UNITS;
  const body = slot * BODY_SHARE;
  const bandsIn = input.bands ?? [];

  let maxVolume = 0;
  for (const bar of visible) maxVolume = Math.max(maxVolume, bar.v);
  const newest = bars.at(-1);
  const liveBar = visible.at(-1) === newest ? newest : undefined;
  const settledBars = liveBar ? visible.slice(0, -1) : visible;
  const draw = (bar: Candle, previous: Candle | undefined) => {
    const left = x(bar.t);
    const mid = r(left + slot / 2);
    const top = y(Math.max(bar.o, bar.c));
    const height = Math.max(3, y(Math.min(bar.o, bar.c)) - top);
    const bx = r(left + (slot - body) / 2);
    const v = maxVolume > 0 && bar.v > 0
      ? Math.max(2, (bar.v / maxVolume) * UNITS)
      : 0;
    const joined = previous !== undefined &&
      !isGap(previous, bar, intervalMs, bandsIn);
    return {
      up: bar.c >= bar.o,
      body: `M${bx} ${r(top)}h${r(body)}v${r(height)}h${r(-body)}Z`,
      wick: `M${mid} ${r(y(bar.h))}V${r(y(bar.l))}`,
      volume: v > 0
        ? `M${bx} ${r(UNITS - v)}h${r(body)}V${UNITS}h${r(-body)}Z`
        : "",
      point: `${joined ? "L" : "M"}${mid} ${r(y(bar.c))}`,
      joined,
      mid,
    };
  };
  const key = input.settledVersion === undefined ? "" : [
    input.settledVersion,
    start,
    end,
    lo,
    hi,
    maxVolume,
    firstIndex,
    settledBars.length,
    bandsIn.map((b) => `${b.from}-${b.to}`).join(),
  ].join("|");
  let settled: BarPaths;
  if (key !== "" && input.cache?.key === key) {
    settled = input.cache.paths;
  } else {
    const parts = {
      bodiesUp: [] as string[],
      bodiesDown: [] as string[],
      wicksUp: [] as string[],
      wicksDown: [] as string[],
      volumeUp: [] as string[],
      volumeDown: [] as string[],
      line: [] as string[],
    };
    let previous: Candle | undefined;
    for (const bar of settledBars) {
      const drawn = draw(bar, previous);
      (drawn.up ? parts.bodiesUp : parts.bodiesDown).push(drawn.body);
      (drawn.up ? parts.wicksUp : parts.wicksDown).push(drawn.wick);
      (drawn.up ? parts.volumeUp : parts.volumeDown).push(drawn.volume);
      parts.line.push(drawn.point);
      previous = bar;
    }
    settled = {
      bodiesUp: parts.bodiesUp.join(""),
      bodiesDown: parts.bodiesDown.join(""),
      wicksUp: parts.wicksUp.join(""),
      wicksDown: parts.wicksDown.join(""),
      volumeUp: parts.volumeUp.join(""),
      volumeDown: parts.volumeDown.join(""),
      line: parts.line.join(""),
    };
    if (input.cache && key !== "") {
      input.cache.key = key;
      input.cache.paths = settled;
    }
  }
  let live = EMPTY_PATHS;
  if (liveBar) {
    const before = settledBars.at(-1);
    const drawn = draw(liveBar, before);
    // The live line starts at the last settled point, so the two paths join.
    const from = before && drawn.joined
      ? `M${r(x(before.t) + slot / 2)} ${r(y(before.c))}`
      : "";
    live = {
      ...EMPTY_PATHS,
      [drawn.up ? "bodiesUp" : "bodiesDown"]: drawn.body,
      [drawn.up ? "wicksUp" : "wicksDown"]: drawn.wick,
      [drawn.up ? "volumeUp" : "volumeDown"]: drawn.volume,
      line: `${from}${drawn.point}`,
    };
  }

  const last = newest && visible.length > 0
    ? { price: newest.c, pct: pct(newest.c), up: newest.c >= newest.o }
    : undefined;
  const inRange = last && last.pct >= 0 && last.pct <= PRICE_PANE_PCT;
  return {
    count: visible.length,
    firstIndex,
    start,
    end,
    lo,
    hi,
    settled,
    live,
    maxVolume,
    yTicks: visible.length === 0
      ? []
      : priceTicks(lo, hi, pct, inRange ? last.pct : undefined),
    xTicks: timeTicks(start, end),
    bands: drawBands(bandsIn, start, end),
    last,
    levels: visible.length === 0 ? [] : (input.levels ?? [])
      .filter((level) => level.price > lo && level.price < hi)
      .map((level) => ({ ...level, pct: pct(level.price) })),
  };
}

/**
 * Whether the line must break between consecutive bars `a` and `b`: bars
 * are missing between them (more than two intervals, and more than 5 s, so a
 * second without a tick in a thin market is not called an outage), or an
 * outage band lies between their centres.
 */
export function isGap(
  a: Candle,
  b: Candle,
  intervalMs: number,
  bands: readonly OutageBand[],
): boolean {
  if (b.t - a.t > Math.max(2 * intervalMs, 5_000)) return true;
  return crossesBand(bands, a.t + intervalMs / 2, b.t + intervalMs / 2);
}

function drawBands(
  bands: readonly OutageBand[],
  start: number,
  end: number,
): DrawnBand[] {
  const span = end - start;
  const drawn: DrawnBand[] = [];
  for (const band of bands) {
    if (band.to < start || band.from > end) continue;
    const from = Math.max(0, ((band.from - start) / span) * 100);
    const to = Math.min(100, ((band.to - start) / span) * 100);
    const width = Math.max(MIN_BAND_PCT, to - from);
    drawn.push({ x: Math.min(from, 100 - width), width, band });
  }
  return drawn;
}

/** The bar under time `time`, or the nearest one within `maxMs`. */
export function barAt(
  bars: readonly Candle[],
  time: number,
  intervalMs: number,
): Candle | undefined {
  const i = firstBarAtOrAfter(bars, time - intervalMs + 1);
  const after = bars[i];
  if (after && after.t <= time) return after;
  const before = bars[i - 1];
  const candidates = [before, after].filter((bar): bar is Candle =>
    bar !== undefined &&
    Math.abs(bar.t + intervalMs / 2 - time) <= intervalMs * 1.5
  );
  return candidates.sort((a, b) =>
    Math.abs(a.t + intervalMs / 2 - time) -
    Math.abs(b.t + intervalMs / 2 - time)
  )[0];
}
