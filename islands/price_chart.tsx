import type { Signal } from "@preact/signals";
import { useMemo, useRef, useState } from "preact/hooks";
import {
  CANDLE_INTERVAL_MS,
  type CandlesResponse,
} from "../lib/protocol/candles.ts";
import type { PriceAlert } from "../lib/protocol/price_alerts.ts";
import {
  barAt,
  buildCandleChart,
  candleChartCache,
  PRICE_PANE_PCT,
} from "../lib/client/candle_geometry.ts";
import { ChartGestures } from "../lib/client/chart_gestures.ts";
import { bandText, ChartSvg } from "../lib/client/chart_svg.tsx";
import {
  ChartCrosshair,
  type ChartHover,
} from "../lib/client/chart_crosshair.tsx";
import {
  clampView,
  panView,
  resolveView,
  type ViewBounds,
  viewOldest,
  type ViewState,
  wheelFactor,
  windowView,
  zoomView,
} from "../lib/client/chart_view.ts";
import {
  CHART_WINDOWS,
  type ChartWindow,
} from "../lib/client/chart_windows.ts";
import { cx } from "../lib/client/class_names.ts";
import {
  formatClockUtc,
  formatCompact,
  formatPercent,
  formatPrice,
} from "../lib/client/format.ts";
import { outageBands } from "../lib/client/outages.ts";
import { useDashboard } from "../lib/client/use_dashboard.ts";

/** Props of {@linkcode PriceChart}. */
export interface PriceChartProps {
  readonly symbols: readonly string[];
  readonly selected: Signal<string>;
  /** Server-rendered candles of the selected pair for the default window. */
  readonly candles: CandlesResponse;
  readonly priceAlerts: readonly PriceAlert[];
  readonly renderedAt: number;
}

const WINDOWS = Object.keys(CHART_WINDOWS) as ChartWindow[];
const KEY_PAN = 0.1;
const KEY_ZOOM = 1.25;

/**
 * The selected pair's candles with volume (or a line), from a minute to a
 * day, drawn in inline SVG that the server renders with real bars. Zoom with
 * the wheel, a pinch or `+`/`-`; pan by dragging or with the arrow keys;
 * `Home`/`End` jump to the oldest bars and back to live; `Shift`+arrows step
 * a crosshair bar by bar. Spans without data are gaps with a shaded band
 * saying why. The box's size never depends on scripts: the stylesheet fixes
 * its height and the drawing scales inside it.
 */
export default function PriceChart(props: PriceChartProps) {
  const dashboard = useDashboard({
    symbols: props.symbols,
    candles: props.candles,
    priceAlerts: props.priceAlerts,
    renderedAt: props.renderedAt,
  });
  const symbol = props.selected.value;
  const windowName = dashboard.chartWindow.value;
  const style = dashboard.chartStyle.value;
  const { interval, spanMs } = CHART_WINDOWS[windowName];
  const intervalMs = CANDLE_INTERVAL_MS[interval];
  dashboard.candles.version.value;
  dashboard.outageVersion.value;
  const series = dashboard.candles.series(symbol, interval);
  const bars = series.bars;
  const offset = dashboard.store.session.value?.clockOffsetMs ?? 0;
  const serverNow = dashboard.now.value + offset;
  const load = dashboard.candles.loadState(symbol, interval);
  const levels = dashboard.priceAlerts.value.filter((a) => a.symbol === symbol);

  const viewKey = `${symbol}|${windowName}`;
  const [viewState, setViewState] = useState<
    { key: string; view: ViewState }
  >({ key: viewKey, view: windowView(spanMs) });
  const view = viewState.key === viewKey ? viewState.view : windowView(spanMs);
  const setView = (next: ViewState) =>
    setViewState({ key: viewKey, view: next });
  const [hover, setHover] = useState<ChartHover | null>(null);
  const [cursor, setCursor] = useState<number | null>(null);
  const gestures = useRef(new ChartGestures());
  const gestureStart = useRef<ViewState>(view);

  const bounds: ViewBounds = {
    first: bars[0]?.t ?? serverNow - spanMs,
    last: (bars.at(-1)?.t ?? serverNow) + intervalMs,
    intervalMs,
    windowMs: windowView(spanMs).span,
  };
  const clamped = clampView(view, bounds);
  const range = resolveView(clamped, bounds);
  const outages = [
    ...dashboard.candles.outages(symbol),
    ...dashboard.outages.outages,
  ];
  const bands = outageBands(outages, serverNow, range.start, range.end);
  const bandKey = bands.map((b) => `${b.from}-${b.to}`).join();
  const levelKey = levels.map((l) => `${l.direction}${l.price}`).join();
  const cache = useRef(candleChartCache());
  const model = useMemo(
    () =>
      buildCandleChart({
        bars,
        intervalMs,
        start: range.start,
        end: range.end,
        bands,
        levels,
        settledVersion: series.settledVersion,
        cache: cache.current,
      }),
    [series, series.version, range.start, range.end, bandKey, levelKey],
  );

  // The inspected time: keyboard cursor, else the pointer.
  const inspectTime = cursor !== null && bars[cursor]
    ? bars[cursor].t + intervalMs / 2
    : hover
    ? range.start + hover.fx * (range.end - range.start)
    : null;
  const inspected = inspectTime === null
    ? undefined
    : barAt(bars, inspectTime, intervalMs);
  const shownBar = inspected ?? bars.at(-1);
  const inBand = inspectTime === null
    ? undefined
    : bands.find((b) => b.from <= inspectTime && b.to >= inspectTime);

  const boxOf = (event: Event) =>
    (event.currentTarget as SVGSVGElement).getBoundingClientRect();
  const hoverAt = (event: PointerEvent | MouseEvent): ChartHover => {
    const box = boxOf(event);
    return {
      fx: Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)),
      fy: (event.clientY - box.top) / box.height,
      width: box.width,
      height: box.height,
    };
  };

  const onPointerDown = (event: PointerEvent) => {
    if (event.button !== 0) return;
    (event.currentTarget as Element).setPointerCapture?.(event.pointerId);
    gestures.current.down(event.pointerId, event.clientX - boxOf(event).left);
    gestureStart.current = clamped;
    setCursor(null);
    setHover(hoverAt(event));
  };
  const onPointerMove = (event: PointerEvent) => {
    const box = boxOf(event);
    const gesture = gestures.current.move(
      event.pointerId,
      event.clientX - box.left,
    );
    if (gesture?.kind === "pan") {
      setView(panView(gestureStart.current, bounds, -gesture.dx / box.width));
    } else if (gesture?.kind === "pinch") {
      setView(
        zoomView(
          gestureStart.current,
          bounds,
          gesture.factor,
          gesture.anchorX / box.width,
        ),
      );
    }
    if (event.pointerType === "mouse" || gesture === undefined) {
      setHover(hoverAt(event));
    }
  };
  const onPointerUp = (event: PointerEvent) => {
    gestures.current.up(event.pointerId);
  };
  const onWheel = (event: WheelEvent) => {
    event.preventDefault();
    const at = hoverAt(event);
    setView(
      zoomView(
        clamped,
        bounds,
        wheelFactor(event.deltaY, event.deltaMode),
        at.fx,
      ),
    );
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const last = bars.length - 1;
    let handled = true;
    if (
      event.shiftKey &&
      (event.key === "ArrowLeft" || event.key === "ArrowRight")
    ) {
      const from = cursor ?? (inspected ? bars.indexOf(inspected) : last);
      const next = Math.min(
        last,
        Math.max(0, from + (event.key === "ArrowLeft" ? -1 : 1)),
      );
      setCursor(next);
      const t = bars[next]?.t;
      if (t !== undefined && (t < range.start || t + intervalMs > range.end)) {
        setView(
          clampView({ span: clamped.span, end: t + clamped.span / 2 }, bounds),
        );
      }
    } else if (event.key === "ArrowLeft") {
      setView(panView(clamped, bounds, -KEY_PAN));
    } else if (event.key === "ArrowRight") {
      setView(panView(clamped, bounds, KEY_PAN));
    } else if (event.key === "+" || event.key === "=") {
      setView(zoomView(clamped, bounds, 1 / KEY_ZOOM, 0.5));
    } else if (event.key === "-" || event.key === "_") {
      setView(zoomView(clamped, bounds, KEY_ZOOM, 0.5));
    } else if (event.key === "Home") setView(viewOldest(clamped, bounds));
    else if (event.key === "End") {
      setView({ span: clamped.span, end: null });
      setCursor(null);
    } else if (event.key === "Escape") {
      setCursor(null);
      setHover(null);
    } else handled = false;
    if (handled) event.preventDefault();
  };

  const first = bars[model.firstIndex];
  const lastBar = bars.at(-1);
  const change = first && lastBar && first.o !== 0
    ? ((lastBar.c - first.o) / first.o) * 100
    : undefined;
  const pair = symbol.replace("-", "/");
  const summary = model.count > 0 && first && lastBar
    ? `${pair}, ${model.count} ${interval} candles: from ${
      formatPrice(first.o)
    } to ${formatPrice(lastBar.c)} (${formatPercent(change)}), low ${
      formatPrice(model.lo)
    }, high ${formatPrice(model.hi)}`
    : `${pair}: no candles in view`;
  const emptyText = load.phase === "loading"
    ? "Loading candles…"
    : load.phase === "error"
    ? "Candles could not be loaded. Retrying when the stream reconnects."
    : "No candles in this range yet";
  const following = clamped.end === null;
  const hoverPrice =
    hover && cursor === null && hover.fy * 100 <= PRICE_PANE_PCT
      ? model.hi - (hover.fy * 100 / PRICE_PANE_PCT) * (model.hi - model.lo)
      : undefined;

  return (
    <section class="panel chart-panel" aria-labelledby="chart-title">
      <header class="panel-head chart-head">
        <h2 id="chart-title">
          Chart <span class="muted">· {pair}</span>
        </h2>
        <div class="chart-tools">
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
          <div class="segmented" role="group" aria-label="Chart style">
            {(["candles", "line"] as const).map((name) => (
              <button
                key={name}
                type="button"
                aria-pressed={name === style}
                class={cx(name === style && "is-active")}
                onClick={() => dashboard.setChartStyle(name)}
              >
                {name === "candles" ? "Candles" : "Line"}
              </button>
            ))}
          </div>
          <button
            type="button"
            class="chip chart-live"
            disabled={following}
            onClick={() => {
              setView({ span: clamped.span, end: null });
              setCursor(null);
            }}
          >
            Latest ⇥
          </button>
        </div>
      </header>
      <p class="chart-legend num" data-field="legend">
        {inBand
          ? <span class="legend-outage">{bandText(inBand)}</span>
          : shownBar
          ? (
            <>
              <span class="legend-time">
                {formatClockUtc(shownBar.t)}
              </span>
              <span>O {formatPrice(shownBar.o)}</span>
              <span>H {formatPrice(shownBar.h)}</span>
              <span>L {formatPrice(shownBar.l)}</span>
              <span class={shownBar.c >= shownBar.o ? "up" : "down"}>
                C {formatPrice(shownBar.c)}
              </span>
              <span>V {formatCompact(shownBar.v)}</span>
            </>
          )
          : <span>No candles yet</span>}
      </p>
      <div class="chart-box">
        <svg
          class={cx("chart", `style-${style}`)}
          data-interval={interval}
          data-candles={model.count}
          data-following={following ? "true" : "false"}
          role="img"
          aria-roledescription="interactive chart"
          aria-label={summary}
          aria-describedby="chart-help"
          tabIndex={0}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={(event) => {
            gestures.current.reset();
            onPointerUp(event);
          }}
          onPointerLeave={() => {
            if (!gestures.current.active) setHover(null);
          }}
          onWheel={onWheel}
          onKeyDown={onKeyDown}
          onBlur={() => setCursor(null)}
        >
          <ChartSvg model={model} style={style} emptyText={emptyText}>
            {(hover || cursor !== null) && inspectTime !== null && (
              <ChartCrosshair
                time={inspectTime}
                range={range}
                hover={hover}
                price={hoverPrice}
                barTime={inspected?.t}
              />
            )}
          </ChartSvg>
        </svg>
      </div>
      <p id="chart-help" class="chart-help">
        Drag or ←/→ to pan · wheel, pinch or +/− to zoom · Shift+←/→ steps bars
        · End returns to live
        {change !== undefined && (
          <span class={cx("chart-change num", change >= 0 ? "up" : "down")}>
            {formatPercent(change)} in view
          </span>
        )}
      </p>
    </section>
  );
}
