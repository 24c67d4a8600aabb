import type { Signal } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import {
  buildChartModel,
  type ChartLayout,
  type ChartModel,
  DEFAULT_LAYOUT,
  nearestPoint,
  type PlottedPoint,
} from "../lib/client/chart_geometry.ts";
import { cx } from "../lib/client/class_names.ts";
import {
  directionArrow,
  formatDuration,
  formatPercent,
  formatPrice,
} from "../lib/client/format.ts";
import { CHART_WINDOWS, type ChartWindow } from "../lib/client/preferences.ts";
import type { SeriesPoint } from "../lib/client/tick_series.ts";
import { ChartCrosshair, GLYPH } from "../lib/client/chart_crosshair.tsx";
import { useDashboard } from "../lib/client/use_dashboard.ts";

/** Props of {@linkcode VelocityChart}. */
export interface VelocityChartProps {
  readonly symbols: readonly string[];
  readonly selected: Signal<string>;
  /** Server-rendered history of the selected symbol. */
  readonly history: {
    readonly symbol: string;
    readonly points: readonly SeriesPoint[];
  };
}

const WINDOWS = Object.keys(CHART_WINDOWS) as ChartWindow[];

/** Chart layout for a box `width` px wide, with room for the price labels. */
function layoutFor(width: number, lastPrice: number | undefined): ChartLayout {
  const narrow = width < 520;
  const label = formatPrice(lastPrice).length;
  return {
    ...DEFAULT_LAYOUT,
    width,
    height: narrow ? 250 : DEFAULT_LAYOUT.height,
    padRight: Math.max(56, Math.ceil(label * GLYPH + 18)),
    velocityHeight: narrow ? 40 : DEFAULT_LAYOUT.velocityHeight,
  };
}

function axisPrice(price: number, step: number): string {
  const digits = Math.max(0, Math.min(10, -Math.floor(Math.log10(step))));
  return price.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/**
 * The live price line of the selected pair on a time-scaled axis, with a
 * gradient area, round price labels, min/max markers, the window's change,
 * velocity bars (percent per second) underneath, a 1 m / 5 m / 15 m window
 * selector and a crosshair with a tooltip (mouse, touch or arrow keys).
 */
export default function VelocityChart(props: VelocityChartProps) {
  const dashboard = useDashboard({
    symbols: props.symbols,
    history: props.history,
  });
  const symbol = props.selected.value;
  dashboard.store.seriesVersion.value;
  const points = dashboard.store.series(symbol).points;
  const windowName = dashboard.chartWindow.value;
  const [width, setWidth] = useState(DEFAULT_LAYOUT.width);
  const [hoverX, setHoverX] = useState<number | null>(null);
  const boxRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const box = boxRef.current;
    if (!box || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver((entries) => {
      const measured = Math.round(entries[0].contentRect.width);
      if (measured > 0) setWidth(measured);
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, []);

  const layout = layoutFor(width, points.at(-1)?.price);
  const model = buildChartModel(points, {
    windowMs: CHART_WINDOWS[windowName],
    layout,
    formatPrice: axisPrice,
  });
  const { plot } = model;
  const hover = hoverX === null
    ? undefined
    : nearestPoint(model.plotted, hoverX);
  const trend = model.delta > 0 ? "up" : model.delta < 0 ? "down" : "flat";
  const windowMs = CHART_WINDOWS[windowName];
  // While history is shorter than the window, say how much is shown.
  const shown = model.drawable && model.span < windowMs - 1_000
    ? `${formatDuration(model.span)} of ${windowName}`
    : windowName;
  const velocity = model.last?.velocity;

  const toViewX = (event: PointerEvent) => {
    const rect = (event.currentTarget as SVGElement).getBoundingClientRect();
    return ((event.clientX - rect.left) / rect.width) * layout.width;
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (model.plotted.length === 0) return;
    const at = hover ? model.plotted.indexOf(hover) : model.plotted.length - 1;
    const step = event.key === "ArrowLeft"
      ? -1
      : event.key === "ArrowRight"
      ? 1
      : 0;
    if (step !== 0) {
      event.preventDefault();
      const next = model
        .plotted[Math.min(model.plotted.length - 1, Math.max(0, at + step))];
      setHoverX(next.x);
    } else if (event.key === "Escape") {
      setHoverX(null);
    }
  };

  const summary = model.drawable
    ? `${symbol} over the last ${shown}: ${
      formatPrice(model.first?.price)
    } to ${formatPrice(model.last?.price)} (${
      formatPercent(model.deltaPercent)
    }), low ${formatPrice(model.low?.point.price)}, high ${
      formatPrice(model.high?.point.price)
    }`
    : `${symbol}: waiting for ticks`;

  return (
    <section class="panel chart-panel" aria-labelledby="chart-title">
      <header class="panel-head chart-head">
        <div>
          <h2 id="chart-title">
            Velocity <span class="muted">· {symbol.replace("-", "/")}</span>
          </h2>
          <p class="chart-stats num">
            <span class={cx("delta", trend)} data-field="window-delta">
              {directionArrow(model.delta)} {formatPercent(model.deltaPercent)}
              <small>{` ${shown}`}</small>
            </span>
            <span>L {formatPrice(model.low?.point.price)}</span>
            <span>H {formatPrice(model.high?.point.price)}</span>
            <span
              class={cx(
                (velocity ?? 0) > 0
                  ? "up"
                  : (velocity ?? 0) < 0
                  ? "down"
                  : undefined,
              )}
            >
              v{" "}
              {velocity === undefined ? "—" : `${formatPercent(velocity, 3)}/s`}
            </span>
          </p>
        </div>
        <div class="segmented" role="group" aria-label="Chart window">
          {WINDOWS.map((name) => (
            <button
              key={name}
              type="button"
              aria-pressed={name === windowName}
              class={cx(name === windowName && "is-active")}
              onClick={() => dashboard.setChartWindow(name)}
            >
              {name}
            </button>
          ))}
        </div>
      </header>
      <div class="chart-box" ref={boxRef}>
        <svg
          class="chart"
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width={layout.width}
          height={layout.height}
          role="img"
          aria-label={summary}
          tabIndex={0}
          onPointerMove={(event) => setHoverX(toViewX(event))}
          onPointerDown={(event) => setHoverX(toViewX(event))}
          onPointerLeave={() => setHoverX(null)}
          onKeyDown={onKeyDown}
          onBlur={() => setHoverX(null)}
        >
          <defs>
            <linearGradient id="chart-fill-up" x1="0" y1="0" x2="0" y2="1">
              <stop offset="0" stop-color="#16c784" stop-opacity="0.32" />
              <stop offset="1" stop-color="#16c784" stop-opacity="0" />
            </linearGradient>
            <linearGradient id="chart-fill-down" x1="0" y1="0" x2="0" y2="1">
              <stop offset="0" stop-color="#ea3943" stop-opacity="0.3" />
              <stop offset="1" stop-color="#ea3943" stop-opacity="0" />
            </linearGradient>
          </defs>
          {model.yTicks.map((tick) => (
            <g key={tick.label} class="y-tick">
              <line
                class="grid"
                x1={plot.left}
                x2={plot.right}
                y1={tick.at}
                y2={tick.at}
              />
              <text class="axis" x={plot.right + 8} y={tick.at + 4}>
                {tick.label}
              </text>
            </g>
          ))}
          {model.xTicks.map((tick) => (
            <text
              key={tick.label}
              class="axis"
              x={tick.at}
              y={layout.height - 6}
              text-anchor="middle"
            >
              {tick.label}
            </text>
          ))}
          {model.drawable
            ? (
              <g class={cx("series", trend === "down" ? "down" : "up")}>
                <path
                  class="area"
                  d={model.area}
                  fill={trend === "down"
                    ? "url(#chart-fill-down)"
                    : "url(#chart-fill-up)"}
                />
                <path class="line" d={model.line} data-field="chart-line" />
                {model.last && model.plotted.length > 0 && (
                  <g class="last-price">
                    <line
                      class="last-guide"
                      x1={plot.left}
                      x2={plot.right}
                      y1={model.plotted[model.plotted.length - 1].y}
                      y2={model.plotted[model.plotted.length - 1].y}
                    />
                    <rect
                      class="last-tag"
                      x={plot.right + 2}
                      y={model.plotted[model.plotted.length - 1].y - 9}
                      width={layout.padRight - 4}
                      height="18"
                      rx="3"
                    />
                    <text
                      class="last-text"
                      x={plot.right + 8}
                      y={model.plotted[model.plotted.length - 1].y + 4}
                    >
                      {formatPrice(model.last.price)}
                    </text>
                    <circle
                      class="last-dot"
                      cx={model.plotted[model.plotted.length - 1].x}
                      cy={model.plotted[model.plotted.length - 1].y}
                      r="3.5"
                    />
                  </g>
                )}
                {model.high && model.low && model.high !== model.low && (
                  <g class="extremes">
                    <ExtremeMarker
                      point={model.high}
                      plot={plot}
                      label="H"
                      labelY={Math.max(plot.top + 10, model.high.y - 6)}
                    />
                    <ExtremeMarker
                      point={model.low}
                      plot={plot}
                      label="L"
                      labelY={Math.min(plot.bottom - 4, model.low.y + 14)}
                    />
                  </g>
                )}
              </g>
            )
            : (
              <text
                class="empty"
                x={(plot.left + plot.right) / 2}
                y={(plot.top + plot.bottom) / 2}
                text-anchor="middle"
              >
                Waiting for ticks…
              </text>
            )}
          {layout.velocityHeight > 0 && (
            <g class="velocity">
              <line
                class="zero"
                x1={plot.left}
                x2={plot.right}
                y1={model.velocityZero}
                y2={model.velocityZero}
              />
              <path class="vel-up" d={model.velocityUp} />
              <path class="vel-down" d={model.velocityDown} />
              <text class="axis" x={plot.right + 8} y={model.velocityZero + 4}>
                {model.velocityMax > 0
                  ? `±${model.velocityMax.toFixed(3)}%/s`
                  : "%/s"}
              </text>
            </g>
          )}
          {hover && (
            <ChartCrosshair
              x={hover.x}
              y={hover.y}
              point={hover.point}
              first={model.first}
              top={plot.top}
              bottom={model.velocityZero}
              left={plot.left}
              right={plot.right}
            />
          )}
        </svg>
      </div>
    </section>
  );
}

/** A dot on the chart's high or low with its price, kept inside the plot. */
function ExtremeMarker(props: {
  readonly point: PlottedPoint;
  readonly plot: ChartModel["plot"];
  readonly label: "H" | "L";
  readonly labelY: number;
}) {
  const { point, plot } = props;
  return (
    <>
      <circle class="extreme" cx={point.x} cy={point.y} r="2.5" />
      <text
        class="extreme-label"
        x={Math.min(plot.right - 4, Math.max(plot.left + 4, point.x))}
        y={props.labelY}
        text-anchor={point.x > (plot.left + plot.right) / 2 ? "end" : "start"}
      >
        {props.label} {formatPrice(point.point.price)}
      </text>
    </>
  );
}
