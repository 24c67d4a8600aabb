/**
 * The candle chart's SVG, drawn from a {@linkcode CandleChartModel}: grid,
 * outage bands with their reason as a tooltip, candles (or the line) and
 * volume in two stretched panes, price-alert levels, the last-price line and
 * its tag, and axis labels in percent of the box (see `candle_geometry.ts`
 * for why). No hooks and no browser APIs, so the server renders exactly what
 * the browser hydrates. Positions are SVG attributes, which the CSP allows.
 */
import type { ComponentChildren } from "preact";
import {
  type BarPaths,
  type CandleChartModel,
  PRICE_PANE_PCT,
  UNITS,
  VOLUME_TOP_PCT,
} from "./candle_geometry.ts";
import { cx } from "./class_names.ts";
import {
  formatClockUtc,
  formatCompact,
  formatDuration,
  formatPrice,
} from "./format.ts";
import type { OutageBand } from "./outages.ts";

/** Width of the price axis column right of the plot, px (the stylesheet's padding). */
export const AXIS_WIDTH_PX = 72;

const VIEWBOX = `0 0 ${UNITS} ${UNITS}`;

/** What a band's tooltip says: when, how long, why. */
export function bandText(band: OutageBand): string {
  const span = `${formatClockUtc(band.from)}–${
    band.open ? "now" : formatClockUtc(band.to)
  } UTC (${formatDuration(band.to - band.from)})`;
  return `No data ${span}: ${band.reasons.join("; ")}`;
}

/** Wicks under bodies, rising and falling, of a run of bars. */
function Bars({ paths }: { readonly paths: BarPaths }) {
  return (
    <>
      <path class="wick up" d={paths.wicksUp} />
      <path class="wick down" d={paths.wicksDown} />
      <path class="body up" d={paths.bodiesUp} />
      <path class="body down" d={paths.bodiesDown} />
    </>
  );
}

/** Props of {@linkcode ChartSvg}. */
export interface ChartSvgProps {
  readonly model: CandleChartModel;
  readonly style: "candles" | "line";
  /** Shown in the plot when there are no bars in view. */
  readonly emptyText: string;
  /** The crosshair, drawn on top (client only). */
  readonly children?: ComponentChildren;
}

/** The chart's drawing. */
export function ChartSvg({ model, style, emptyText, children }: ChartSvgProps) {
  const last = model.last;
  const lastTone = last?.up ? "up" : "down";
  return (
    <>
      <g class="grid" aria-hidden="true">
        {model.yTicks.map((tick) => (
          <line
            key={tick.label}
            x1="0"
            x2="100%"
            y1={`${tick.pct}%`}
            y2={`${tick.pct}%`}
          />
        ))}
        <line
          class="pane-edge"
          x1="0"
          x2="100%"
          y1={`${VOLUME_TOP_PCT - 2}%`}
          y2={`${VOLUME_TOP_PCT - 2}%`}
        />
      </g>
      {model.bands.map(({ x, width, band }) => (
        <rect
          key={band.from}
          class={cx("outage", band.open && "is-open")}
          data-field="outage"
          x={`${x}%`}
          width={`${width}%`}
          y="0"
          height="100%"
        >
          <title>{bandText(band)}</title>
        </rect>
      ))}
      <svg
        class="pane"
        width="100%"
        height={`${PRICE_PANE_PCT}%`}
        viewBox={VIEWBOX}
        preserveAspectRatio="none"
        aria-hidden="true"
      >
        {style === "line"
          ? (
            <>
              <path
                class="line"
                d={model.settled.line}
                data-field="chart-line"
              />
              <path class="line" d={model.live.line} />
            </>
          )
          : (
            <g data-field="candles">
              <Bars paths={model.settled} />
              <Bars paths={model.live} />
            </g>
          )}
      </svg>
      <svg
        class="pane"
        y={`${VOLUME_TOP_PCT}%`}
        width="100%"
        height={`${100 - VOLUME_TOP_PCT}%`}
        viewBox={VIEWBOX}
        preserveAspectRatio="none"
        aria-hidden="true"
      >
        <path class="vol up" d={model.settled.volumeUp} />
        <path class="vol down" d={model.settled.volumeDown} />
        <path class="vol up" d={model.live.volumeUp} />
        <path class="vol down" d={model.live.volumeDown} />
      </svg>
      {model.levels.map((level) => (
        <g
          key={`${level.direction}${level.price}`}
          class="level"
          aria-hidden="true"
        >
          <line x1="0" x2="100%" y1={`${level.pct}%`} y2={`${level.pct}%`} />
          <text x="4" y={`${level.pct}%`} dy="-4">
            {level.direction === "above" ? "▲" : "▼"} {formatPrice(level.price)}
          </text>
        </g>
      ))}
      {model.count === 0 && (
        <text
          class="empty"
          x="50%"
          y={`${PRICE_PANE_PCT / 2}%`}
          text-anchor="middle"
        >
          {emptyText}
        </text>
      )}
      <g class="axis" aria-hidden="true">
        {model.yTicks.map((tick) => (
          <text key={tick.label} x="100%" dx="8" y={`${tick.pct}%`} dy="4">
            {tick.label}
          </text>
        ))}
        {model.xTicks.map((tick) => (
          <text
            key={tick.label}
            class={cx("x-label", tick.minor && "minor")}
            x={`${tick.pct}%`}
            y="100%"
            dy="16"
            text-anchor="middle"
          >
            {tick.label}
          </text>
        ))}
        {model.maxVolume > 0 && (
          <text x="100%" dx="8" y={`${VOLUME_TOP_PCT}%`} dy="9">
            {`V ${formatCompact(model.maxVolume)}`}
          </text>
        )}
      </g>
      {last && last.pct >= 0 && last.pct <= PRICE_PANE_PCT && (
        <g class={cx("last-price", lastTone)} data-field="last-price">
          <line x1="0" x2="100%" y1={`${last.pct}%`} y2={`${last.pct}%`} />
          <rect
            x="100%"
            y={`${last.pct}%`}
            width={AXIS_WIDTH_PX - 2}
            height="18"
            rx="3"
            transform="translate(2 -9)"
          />
          <text x="100%" dx="8" y={`${last.pct}%`} dy="4">
            {formatPrice(last.price)}
          </text>
        </g>
      )}
      {children}
    </>
  );
}
