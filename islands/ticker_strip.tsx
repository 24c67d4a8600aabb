import type { Signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { TickFrame } from "../lib/protocol/frames.ts";
import {
  directionArrow,
  formatPercent,
  formatPrice,
  formatUsd,
} from "../lib/client/format.ts";
import { MAX_WATCHLIST } from "../lib/client/watchlist.ts";
import { useDashboard } from "../lib/client/use_dashboard.ts";
import { cx } from "../lib/client/class_names.ts";
import { afterHydration } from "../lib/web/browser.ts";

/** Props of {@linkcode TickerStrip}. */
export interface TickerStripProps {
  /** The pairs the page streams. */
  readonly symbols: readonly string[];
  /** The first tracked pairs: the default watchlist. */
  readonly firstSymbols?: readonly string[];
  /** The page's selected symbol, shared with the other islands. */
  readonly selected: Signal<string>;
  readonly ticks: readonly (TickFrame | null)[];
  readonly deepLinked: boolean;
}

/**
 * The viewer's watchlist at a glance — price, 24 h change, turnover —
 * doubling as the pair tabs: choosing one selects it for the whole
 * dashboard. The watchlist is chosen with the stars on the screener (or the
 * star here, for the selected pair) and kept in this browser; by default it
 * is the first four tracked pairs. A selected pair off the list gets a tab
 * of its own. Arrow keys move between tabs, Home and End jump to the first
 * and last.
 */
export default function TickerStrip(props: TickerStripProps) {
  const { selected } = props;
  const dashboard = useDashboard({
    symbols: props.symbols,
    firstSymbols: props.firstSymbols,
    ticks: props.ticks,
  });
  const watchlist = dashboard.watchlist.value;
  const current = selected.value;
  const symbols = watchlist.includes(current)
    ? watchlist
    : [...watchlist, current];
  const watched = watchlist.includes(current);
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
    <nav class="ticker-strip" aria-label="Watchlist">
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
              class={cx(
                "ticker",
                active && "is-active",
                !watchlist.includes(symbol) && "is-unwatched",
              )}
              data-symbol={symbol}
              onClick={() => (selected.value = symbol)}
            >
              <span class="ticker-symbol">
                {symbol.replace(/-USDT(-PERP)?$/, "")}
                <small>
                  /USDT{symbol.endsWith("-PERP") ? " perp" : ""}
                </small>
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
      <div class="strip-tools">
        <button
          type="button"
          class={cx("watch", watched && "is-active")}
          aria-pressed={watched}
          data-field="watch-selected"
          disabled={!watched && watchlist.length >= MAX_WATCHLIST}
          title={watched
            ? "Take the selected pair off the watchlist"
            : "Add the selected pair to the watchlist"}
          onClick={() => dashboard.toggleWatch(current)}
        >
          {watched ? "★" : "☆"}
          <span class="sr-only">
            {watched ? "Unwatch" : "Watch"} {current}
          </span>
        </button>
        <a class="chip" href="/markets" data-field="all-markets">
          All markets
        </a>
      </div>
    </nav>
  );
}
