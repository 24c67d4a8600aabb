/**
 * Axis ticks of the candle chart: round prices and round UTC times, with
 * labels placed so that none is cut off at the chart's edge or hidden under
 * the last-price tag. Positions are percentages, because the chart scales
 * with its box while its text keeps its size (see `candle_geometry.ts`).
 */

/** A label and where it goes, percent along its axis. */
export interface AxisTick {
  readonly pct: number;
  readonly label: string;
  /** Dropped on narrow screens (every other time label). */
  readonly minor?: boolean;
}

/** Width of one character of the 11 px monospace axis font, px. */
export const AXIS_GLYPH_PX = 6.7;
/** The narrowest plot the layout gives the chart (375 px screens), px. */
export const MIN_PLOT_WIDTH_PX = 250;
/** The lowest price pane the layout gives the chart, px. */
export const MIN_PANE_HEIGHT_PX = 200;
/** Vertical room one price label needs, px. */
export const PRICE_LABEL_PX = 16;

/** A "nice" step (1, 2 or 5 × 10^n) giving about `count` intervals. */
export function niceStep(range: number, count: number): number {
  if (!(range > 0) || !(count > 0)) return 1;
  const raw = range / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const nice = residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1;
  return nice * magnitude;
}

/** Fraction digits that show a price step: `0.5` → 1, `0.00002` → 5. */
export function stepDigits(step: number): number {
  return Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)));
}

/** `63,000.5` with the digits the step needs. */
export function axisPrice(price: number, step: number): string {
  const digits = stepDigits(step);
  return price.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/**
 * Price labels for the range `lo`–`hi`; `toPct` maps a price to percent of
 * the chart's height. Labels closer to `avoidPct` (the last-price tag) than a
 * label's height, on the lowest chart the layout allows, are left out.
 */
export function priceTicks(
  lo: number,
  hi: number,
  toPct: (price: number) => number,
  avoidPct?: number,
): AxisTick[] {
  const step = niceStep(hi - lo, 5);
  const ticks: AxisTick[] = [];
  const room = (PRICE_LABEL_PX / MIN_PANE_HEIGHT_PX) * 100;
  for (let i = Math.ceil(lo / step); i * step <= hi; i++) {
    const price = i * step;
    const pct = toPct(price);
    if (avoidPct !== undefined && Math.abs(pct - avoidPct) < room) continue;
    ticks.push({ pct, label: axisPrice(price, step) });
  }
  return ticks;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Round steps of the time axis, ms. */
export const TIME_STEPS: readonly number[] = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  4 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];

/** The smallest round step giving at most `count` intervals over `span`. */
export function timeStep(span: number, count: number): number {
  return TIME_STEPS.find((step) => span / step <= count) ??
    TIME_STEPS[TIME_STEPS.length - 1];
}

const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");

/** A UTC time label at `step`: `08:32:15`, `08:32`, or `27 Nov` at midnight. */
export function timeLabel(ts: number, step: number): string {
  const date = new Date(ts);
  if (step >= HOUR && ts % (24 * HOUR) === 0) {
    return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
  }
  const iso = date.toISOString();
  return step < MINUTE ? iso.slice(11, 19) : iso.slice(11, 16);
}

/**
 * Time labels across `start`–`end` (about six, every other one `minor`).
 * Labels are centred on their time; one too close to the left edge to fit
 * there on the narrowest plot is left out rather than cut off.
 */
export function timeTicks(start: number, end: number): AxisTick[] {
  const span = end - start;
  if (!(span > 0)) return [];
  const step = timeStep(span, 6);
  const ticks: AxisTick[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) {
    const pct = ((t - start) / span) * 100;
    const label = timeLabel(t, step);
    const halfPct = ((label.length * AXIS_GLYPH_PX) / 2 / MIN_PLOT_WIDTH_PX) *
      100;
    if (pct >= halfPct) {
      // Parity of the time itself, so labels keep their role while panning.
      ticks.push({ pct, label, minor: Math.round(t / step) % 2 === 1 });
    }
  }
  return ticks;
}
