/**
 * The chart's crosshair, an SVG fragment drawn inside the chart's `<svg>`:
 * dashed guides through the inspected point, the price tag on the price axis
 * and the time tag on the time axis (no HTML, no inline styles: positions
 * are SVG attributes, which the CSP allows). Client-only: the server never
 * renders a pointer.
 */
import { AXIS_WIDTH_PX } from "./chart_svg.tsx";
import { formatClockUtc, formatPrice } from "./format.ts";

/** Where the pointer is on the chart. */
export interface ChartHover {
  /** Fraction of the box across and down, 0–1. */
  readonly fx: number;
  readonly fy: number;
  /** The box's size, px. */
  readonly width: number;
  readonly height: number;
}

/** Props of {@linkcode ChartCrosshair}. */
export interface ChartCrosshairProps {
  /** The inspected time, epoch ms. */
  readonly time: number;
  readonly range: { readonly start: number; readonly end: number };
  /** The pointer, or null when a key moves the crosshair. */
  readonly hover: ChartHover | null;
  /** The price at the pointer's height, if it is over the price pane. */
  readonly price: number | undefined;
  /** Start of the bar under the crosshair, for the time tag. */
  readonly barTime: number | undefined;
}

/**
 * Crosshair lines with the time on the time axis and the price on the price
 * axis. The time tag is kept inside the box (plus the price axis column) when
 * the box's width is known.
 */
export function ChartCrosshair(props: ChartCrosshairProps) {
  const { time, range, hover, price } = props;
  const fx = (time - range.start) / (range.end - range.start);
  const label = formatClockUtc(props.barTime ?? time);
  const labelWidth = label.length * 6.7 + 12;
  // Kept inside the box (plus the axis column) when the width is known.
  const width = hover?.width;
  const x = width === undefined ? `${fx * 100}%` : Math.min(
    width + AXIS_WIDTH_PX - labelWidth / 2,
    Math.max(labelWidth / 2, fx * width),
  );
  const pct = hover ? hover.fy * 100 : undefined;
  return (
    <g class="crosshair" pointer-events="none" data-field="crosshair">
      <line x1={`${fx * 100}%`} x2={`${fx * 100}%`} y1="0" y2="100%" />
      {price !== undefined && pct !== undefined && (
        <>
          <line x1="0" x2="100%" y1={`${pct}%`} y2={`${pct}%`} />
          <rect
            class="cross-tag"
            x="100%"
            y={`${pct}%`}
            width={AXIS_WIDTH_PX - 2}
            height="18"
            rx="3"
            transform="translate(2 -9)"
          />
          <text class="cross-text" x="100%" dx="8" y={`${pct}%`} dy="4">
            {formatPrice(price)}
          </text>
        </>
      )}
      <g transform={typeof x === "number" ? `translate(${x} 0)` : undefined}>
        <rect
          class="cross-tag"
          x={typeof x === "number" ? -labelWidth / 2 : x}
          y="100%"
          width={labelWidth}
          height="18"
          rx="3"
          transform={typeof x === "number"
            ? "translate(0 3)"
            : `translate(${-labelWidth / 2} 3)`}
        />
        <text
          class="cross-text"
          x={typeof x === "number" ? 0 : x}
          y="100%"
          dy="16"
          text-anchor="middle"
        >
          {label}
        </text>
      </g>
    </g>
  );
}
