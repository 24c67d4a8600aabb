/**
 * The velocity chart's hover/touch crosshair, an SVG fragment (no HTML, no
 * inline styles: positions are SVG attributes, which the CSP allows).
 */
import type { SeriesPoint } from "./tick_series.ts";
import { cx } from "./class_names.ts";
import {
  formatClockUtc,
  formatPercent,
  formatPrice,
  priceDigits,
} from "./format.ts";

/** Monospace glyph width at the chart's 11 px label size, in px. */
export const GLYPH = 6.8;

/** Props of {@linkcode ChartCrosshair}. */
export interface CrosshairProps {
  readonly x: number;
  readonly y: number;
  readonly point: SeriesPoint;
  readonly first?: SeriesPoint;
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/**
 * The chart's crosshair: guide lines through the hovered point and a tooltip
 * with its UTC time, price, change since the window's start and velocity,
 * kept inside the plot.
 */
export function ChartCrosshair(
  { x, y, point, first, top, bottom, left, right }: CrosshairProps,
) {
  const sinceStart = first && first.price !== 0
    ? ((point.price - first.price) / first.price) * 100
    : 0;
  const change = `${
    formatPercent(sinceStart, priceDigits(point.price) > 4 ? 3 : 2)
  } in window · ${formatPercent(point.velocity, 3)}/s`;
  const width = Math.ceil(change.length * GLYPH + 22);
  const height = 62;
  const boxX = x + 12 + width > right ? x - 12 - width : x + 12;
  const boxY = Math.max(top, Math.min(y - height / 2, bottom - height));
  return (
    <g class="crosshair" pointer-events="none" data-field="tooltip">
      <line class="cross-v" x1={x} x2={x} y1={top} y2={bottom} />
      <line class="cross-h" x1={left} x2={right} y1={y} y2={y} />
      <circle class="cross-dot" cx={x} cy={y} r="4" />
      <g transform={`translate(${Math.max(left, boxX)} ${boxY})`}>
        <rect class="tip" width={width} height={height} rx="6" />
        <text class="tip-time" x="10" y="17">
          {formatClockUtc(point.ts)} UTC
        </text>
        <text class="tip-price" x="10" y="35">{formatPrice(point.price)}</text>
        <text
          class={cx(
            "tip-change",
            sinceStart > 0 ? "up" : sinceStart < 0 ? "down" : undefined,
          )}
          x="10"
          y="52"
        >
          {change}
        </text>
      </g>
    </g>
  );
}
