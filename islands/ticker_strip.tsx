import type { Signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { TickFrame } from "../lib/protocol/frames.ts";
import {
  directionArrow,
  formatPercent,
  formatPrice,
  formatUsd,
} from "../lib/client/format.ts";
import { useDashboard } from "../lib/client/use_dashboard.ts";
import { cx } from "../lib/client/class_names.ts";
import { afterHydration } from "../lib/web/browser.ts";

/** Props of {@linkcode TickerStrip}. */
export interface TickerStripProps {
  readonly symbols: readonly string[];
  /** The page's selected symbol, shared with the other islands. */
  readonly selected: Signal<string>;
  readonly ticks: readonly (TickFrame | null)[];
  readonly deepLinked: boolean;
}

/**
 * Every tracked symbol at a glance — price, 24 h change, turnover — doubling
 * as the pair tabs: choosing one selects it for the whole dashboard. Arrow
 * keys move between tabs, Home and End jump to the first and last.
 */
export default function TickerStrip(props: TickerStripProps) {
  const { symbols, selected } = props;
  const dashboard = useDashboard({ symbols, ticks: props.ticks });
  useEffect(
    () =>
      afterHydration(() =>
        dashboard.adoptSelection(selected, props.deepLinked)
      ),
    [],
  );
  const onKeyDown = (event: KeyboardEvent) => {
    const at = symbols.indexOf(selected.value);
    const index = event.key === "ArrowRight"
      ? at + 1
      : event.key === "ArrowLeft"
      ? at - 1
      : event.key === "Home"
      ? 0
      : event.key === "End"
      ? symbols.length - 1
      : undefined;
    if (index === undefined) return;
    event.preventDefault();
    const next = symbols[(index + symbols.length) % symbols.length];
    selected.value = next;
    document.getElementById(`tab-${next}`)?.focus();
  };
  return (
    <nav class="ticker-strip" aria-label="Tracked pairs">
      <div
        class="ticker-list"
        role="tablist"
        aria-label="Select a pair"
        onKeyDown={onKeyDown}
      >
        {symbols.map((symbol) => {
          const tick = dashboard.store.tick(symbol).value;
          const active = selected.value === symbol;
          const trend = (tick?.change ?? 0) > 0
            ? "up"
            : (tick?.change ?? 0) < 0
            ? "down"
            : "flat";
          return (
            <button
              key={symbol}
              id={`tab-${symbol}`}
              type="button"
              role="tab"
              aria-selected={active}
              tabIndex={active ? 0 : -1}
              class={cx("ticker", active && "is-active")}
              data-symbol={symbol}
              onClick={() => (selected.value = symbol)}
            >
              <span class="ticker-symbol">
                {symbol.replace("-USDT", "")}
                <small>/USDT</small>
              </span>
              <span class="ticker-price num" data-field="price">
                {formatPrice(tick?.price)}
              </span>
              <span class={cx("ticker-change num", trend)}>
                {directionArrow(tick?.change)} {formatPercent(tick?.change)}
              </span>
              <span class="ticker-volume num">
                Vol {formatUsd(tick?.volume)}
              </span>
            </button>
          );
        })}
      </div>
    </nav>
  );
}
