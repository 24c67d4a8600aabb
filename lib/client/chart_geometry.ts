/**
 * Geometry of the velocity chart, as pure functions from points to SVG path
 * strings and axis ticks, so every rule is unit-tested without a browser:
 *
 * - the x axis is TIME, not index: a gap in the data is a gap on screen;
 * - the window ends at the newest point and spans `windowMs` before it, or
 *   less while less history exists (a fresh page fills the width rather
 *   than drawing a sliver at the right edge; `span` says how much is shown);
 * - more points than pixels are reduced per pixel column to their first,
 *   minimum, maximum and last values, which keeps every spike visible while
 *   bounding the path length (and so the DOM work per frame);
 * - velocity (percent per second) is drawn as bars around a zero line below
 *   the price, the strongest reading per column.
 */
import type { SeriesPoint } from "./tick_series.ts";

/** Pixel layout of the chart. */
export interface ChartLayout {
  readonly width: number;
  readonly height: number;
  /** Space for the y labels on the right. */
  readonly padRight: number;
  readonly padLeft: number;
  readonly padTop: number;
  /** Space for the x labels at the bottom. */
  readonly padBottom: number;
  /** Height of the velocity strip (0 hides it). */
  readonly velocityHeight: number;
  /** Space between the price plot and the velocity strip. */
  readonly gap: number;
}

/** The chart's default layout (viewBox units; the SVG scales to its box). */
export const DEFAULT_LAYOUT: ChartLayout = {
  width: 720,
  height: 300,
  padLeft: 8,
  padRight: 76,
  padTop: 14,
  padBottom: 24,
  velocityHeight: 48,
  gap: 10,
};

/** A point as drawn, for hover lookups. */
export interface PlottedPoint {
  readonly x: number;
  readonly y: number;
  readonly point: SeriesPoint;
}

/** An axis label and where it goes. */
export interface AxisTick {
  readonly at: number;
  readonly label: string;
}

/** Everything the chart component draws. */
export interface ChartModel {
  /** False when there are fewer than two points to draw a line. */
  readonly drawable: boolean;
  readonly start: number;
  readonly end: number;
  /** Time shown, ms: `windowMs`, or less while history is shorter. */
  readonly span: number;
  /** Price line (`d` of a path). */
  readonly line: string;
  /** Line closed down to the plot floor, for the gradient fill. */
  readonly area: string;
  /** Velocity bars above and below the zero line. */
  readonly velocityUp: string;
  readonly velocityDown: string;
  /** y of the velocity zero line. */
  readonly velocityZero: number;
  /** Largest |velocity| in the window, percent per second. */
  readonly velocityMax: number;
  readonly yTicks: readonly AxisTick[];
  readonly xTicks: readonly AxisTick[];
  /** Extremes in the window, with their positions. */
  readonly high?: PlottedPoint;
  readonly low?: PlottedPoint;
  readonly first?: SeriesPoint;
  readonly last?: SeriesPoint;
  /** Last minus first price in the window, and as percent of the first. */
  readonly delta: number;
  readonly deltaPercent: number;
  /** Drawn points in x order, for the crosshair. */
  readonly plotted: readonly PlottedPoint[];
  /** Plot area bounds. */
  readonly plot: {
    readonly left: number;
    readonly right: number;
    readonly top: number;
    readonly bottom: number;
  };
}

/** Rounds to 0.1 px: sub-pixel precision is invisible and costs bytes. */
function r(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Index of the first point with `ts >= from` (points sorted by ts). */
export function firstIndexAtOrAfter(
  points: readonly SeriesPoint[],
  from: number,
): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].ts < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Reduces `points` to at most four per column of `columns` across
 * `[start, end]`: first, min, max, last, in time order.
 */
export function decimate(
  points: readonly SeriesPoint[],
  start: number,
  end: number,
  columns: number,
): SeriesPoint[] {
  if (points.length <= columns * 2) return [...points];
  const span = Math.max(1, end - start);
  const out: SeriesPoint[] = [];
  let bucket: SeriesPoint[] = [];
  let current = -1;
  const flush = () => {
    if (bucket.length === 0) return;
    const first = bucket[0];
    const last = bucket[bucket.length - 1];
    let min = first;
    let max = first;
    for (const p of bucket) {
      if (p.price < min.price) min = p;
      if (p.price > max.price) max = p;
    }
    const keep = new Set([first, min, max, last]);
    for (const p of bucket) if (keep.has(p)) out.push(p);
    bucket = [];
  };
  for (const point of points) {
    const column = Math.min(
      columns - 1,
      Math.floor(((point.ts - start) / span) * columns),
    );
    if (column !== current) {
      flush();
      current = column;
    }
    bucket.push(point);
  }
  flush();
  return out;
}

/** A "nice" step (1, 2 or 5 × 10^n) giving about `count` intervals. */
export function niceStep(range: number, count: number): number {
  if (!(range > 0) || !(count > 0)) return 1;
  const raw = range / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const nice = residual >= 5 ? 10 : residual >= 2 ? 5 : residual >= 1 ? 2 : 1;
  return nice * magnitude;
}

const TIME_STEPS = [
  1_000,
  2_000,
  5_000,
  10_000,
  15_000,
  30_000,
  60_000,
  120_000,
  300_000,
  600_000,
  900_000,
  1_800_000,
  3_600_000,
];

/** The smallest round time step giving at most `count` intervals. */
export function timeStep(span: number, count: number): number {
  return TIME_STEPS.find((step) => span / step <= count) ??
    TIME_STEPS[TIME_STEPS.length - 1];
}

function clockLabel(ts: number, withSeconds: boolean): string {
  const iso = new Date(ts).toISOString();
  return withSeconds ? iso.slice(11, 19) : iso.slice(11, 16);
}

/** Options of {@linkcode buildChartModel}. */
export interface ChartOptions {
  /** Visible time span ending at the newest point, ms. */
  readonly windowMs: number;
  readonly layout?: ChartLayout;
  /** Formats y-axis labels. Default: fixed digits from the tick step. */
  readonly formatPrice?: (price: number, step: number) => string;
}

function defaultPriceLabel(price: number, step: number): string {
  const digits = Math.max(0, Math.min(10, -Math.floor(Math.log10(step))));
  return price.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Builds the drawable chart of `points` (sorted by seq, hence by ts). */
export function buildChartModel(
  points: readonly SeriesPoint[],
  options: ChartOptions,
): ChartModel {
  const layout = options.layout ?? DEFAULT_LAYOUT;
  if (!(options.windowMs > 0)) {
    throw new RangeError(`windowMs must be positive, got ${options.windowMs}`);
  }
  const left = layout.padLeft;
  const right = layout.width - layout.padRight;
  const top = layout.padTop;
  const velocityBottom = layout.height - layout.padBottom;
  const velocityTop = layout.velocityHeight > 0
    ? velocityBottom - layout.velocityHeight
    : velocityBottom;
  const bottom = layout.velocityHeight > 0
    ? velocityTop - layout.gap
    : velocityBottom;
  const plot = { left, right, top, bottom };
  const end = points.at(-1)?.ts ?? 0;
  const visible = points.slice(
    firstIndexAtOrAfter(points, end - options.windowMs),
  );
  const start = visible.length >= 2 ? visible[0].ts : end - options.windowMs;
  const span = Math.max(1, end - start);
  const empty: ChartModel = {
    drawable: false,
    start,
    end,
    span,
    line: "",
    area: "",
    velocityUp: "",
    velocityDown: "",
    velocityZero: r((velocityTop + velocityBottom) / 2),
    velocityMax: 0,
    yTicks: [],
    xTicks: [],
    delta: 0,
    deltaPercent: 0,
    plotted: [],
    plot,
    first: visible[0],
    last: visible.at(-1),
  };
  if (visible.length < 2) return empty;

  const width = right - left;
  const drawn = decimate(visible, start, end, Math.max(1, Math.floor(width)));
  let min = Infinity;
  let max = -Infinity;
  for (const p of visible) {
    if (p.price < min) min = p.price;
    if (p.price > max) max = p.price;
  }
  const pad = max > min
    ? (max - min) * 0.08
    : Math.max(Math.abs(min) * 0.001, 1e-9);
  const lo = min - pad;
  const hi = max + pad;
  const x = (ts: number) => r(left + ((ts - start) / span) * width);
  const y = (price: number) =>
    r(bottom - ((price - lo) / (hi - lo)) * (bottom - top));

  const plotted = drawn.map((point) => ({
    x: x(point.ts),
    y: y(point.price),
    point,
  }));
  const line = plotted.map((p, i) => `${i === 0 ? "M" : "L"}${p.x} ${p.y}`)
    .join("");
  const area = `${line}L${plotted.at(-1)!.x} ${bottom}L${
    plotted[0].x
  } ${bottom}Z`;

  const step = niceStep(hi - lo, 4);
  const label = options.formatPrice ?? defaultPriceLabel;
  const yTicks: AxisTick[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) {
    yTicks.push({ at: y(v), label: label(v, step) });
  }

  const tStep = timeStep(span, 6);
  const xTicks: AxisTick[] = [];
  for (let t = Math.ceil(start / tStep) * tStep; t <= end; t += tStep) {
    xTicks.push({ at: x(t), label: clockLabel(t, tStep < 60_000) });
  }

  const velocity = velocityBars(
    visible,
    start,
    span,
    left,
    width,
    velocityTop,
    velocityBottom,
  );

  const high = plotted.reduce((
    a,
    b,
  ) => (b.point.price > a.point.price ? b : a));
  const low = plotted.reduce((a, b) => (b.point.price < a.point.price ? b : a));
  const first = visible[0];
  const last = visible[visible.length - 1];
  const delta = last.price - first.price;
  return {
    ...empty,
    drawable: true,
    line,
    area,
    ...velocity,
    yTicks,
    xTicks,
    high,
    low,
    first,
    last,
    delta,
    deltaPercent: first.price !== 0 ? (delta / first.price) * 100 : 0,
    plotted,
  };
}

function velocityBars(
  points: readonly SeriesPoint[],
  start: number,
  span: number,
  left: number,
  width: number,
  top: number,
  bottom: number,
) {
  const zero = r((top + bottom) / 2);
  const columns = Math.max(1, Math.min(points.length, Math.floor(width / 3)));
  const strongest = new Map<number, number>();
  for (const p of points) {
    if (!Number.isFinite(p.velocity)) continue;
    const column = Math.min(
      columns - 1,
      Math.floor(((p.ts - start) / span) * columns),
    );
    const previous = strongest.get(column);
    if (previous === undefined || Math.abs(p.velocity) > Math.abs(previous)) {
      strongest.set(column, p.velocity);
    }
  }
  let velocityMax = 0;
  for (const v of strongest.values()) {
    velocityMax = Math.max(velocityMax, Math.abs(v));
  }
  const columnWidth = width / columns;
  const barWidth = r(Math.max(1, columnWidth * 0.7));
  const half = (bottom - top) / 2;
  let up = "";
  let down = "";
  if (velocityMax > 0) {
    for (const [column, v] of strongest) {
      const h = r((Math.abs(v) / velocityMax) * half);
      if (h === 0) continue;
      const bx = r(left + column * columnWidth);
      if (v > 0) up += `M${bx} ${r(zero - h)}h${barWidth}v${h}h${-barWidth}Z`;
      else down += `M${bx} ${zero}h${barWidth}v${h}h${-barWidth}Z`;
    }
  }
  return {
    velocityUp: up,
    velocityDown: down,
    velocityZero: zero,
    velocityMax,
  };
}

/** The drawn point nearest to `x` (binary search over x order). */
export function nearestPoint(
  plotted: readonly PlottedPoint[],
  x: number,
): PlottedPoint | undefined {
  if (plotted.length === 0) return undefined;
  let lo = 0;
  let hi = plotted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (plotted[mid].x < x) lo = mid + 1;
    else hi = mid;
  }
  const before = plotted[Math.max(0, lo - 1)];
  const at = plotted[lo];
  return Math.abs(before.x - x) <= Math.abs(at.x - x) ? before : at;
}
