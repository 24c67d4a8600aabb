import { type ReadonlySignal, useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useMemo, useRef } from "preact/hooks";
import type { MarketCategory } from "../lib/market/tracked_symbol.ts";
import type { MarketItem } from "../lib/protocol/frames.ts";
import { cx } from "../lib/client/class_names.ts";
import {
  directionArrow,
  formatDuration,
  formatPercent,
  formatPrice,
  formatUsd,
  pairLabel,
} from "../lib/client/format.ts";
import {
  DEFAULT_SCREENER_QUERY,
  firstDirection,
  type MarketFilter,
  rowWindow,
  type ScreenerQuery,
  type ScreenerSort,
} from "../lib/client/screener.ts";
import type { MarketPage } from "../lib/client/market_page.ts";
import { IS_BROWSER } from "../lib/client/use_dashboard.ts";
import { useMarketPage } from "../lib/client/use_market_page.ts";

/** Props of {@linkcode MarketScreener}. */
export interface MarketScreenerProps {
  /** The first rows, rendered on the server in the default order. */
  readonly items: readonly MarketItem[];
  /** Markets tracked when the page was rendered. */
  readonly total: number;
  /** The markets followed: the market filter shows with more than one. */
  readonly markets: readonly MarketCategory[];
  /** The first tracked pairs: the default watchlist. */
  readonly firstSymbols: readonly string[];
}

/** Height of one row, px (fixed: the table is virtualised). */
const ROW_HEIGHT = 40;

const COLUMNS: readonly {
  readonly key: string;
  readonly label: string;
  readonly sort?: ScreenerSort;
}[] = [
  { key: "symbol", label: "Pair", sort: "symbol" },
  { key: "price", label: "Price" },
  { key: "change", label: "24 h", sort: "change" },
  { key: "turnover", label: "Turnover", sort: "turnover" },
  { key: "spread", label: "Spread", sort: "spread" },
  { key: "velocity", label: "Velocity", sort: "velocity" },
  { key: "tier", label: "Tier", sort: "tier" },
  { key: "alert", label: "Last alert", sort: "alert" },
];

const SORT_LABEL: Readonly<Record<ScreenerSort, string>> = {
  symbol: "Pair",
  change: "24 h change",
  turnover: "Turnover",
  spread: "Spread",
  velocity: "Velocity",
  tier: "Tier",
  alert: "Last alert",
};

const MARKET_LABEL: Readonly<Record<MarketFilter, string>> = {
  all: "All",
  spot: "Spot",
  linear: "Perpetuals",
};

/** The pair's detail view. */
const detailHref = (symbol: string) => `/s/${encodeURIComponent(symbol)}`;

/**
 * Every tracked market in one table, live from `/ws/market`: sort by any
 * column (click its header, or the sort menu on narrow screens), filter by
 * text and by market, star pairs for the dashboard's watchlist, and open a
 * pair's detail view from its row. Only the rows in view (and a few either
 * side) are in the DOM, so a thousand markets scroll as smoothly as ten.
 *
 * The table re-renders only when the order, the window or the query
 * changes; a frame's new figures re-render just the rows they belong to
 * (each row reads its own signal), and the clock only the alert ages.
 */
export default function MarketScreener(props: MarketScreenerProps) {
  const page = useMarketPage({
    items: props.items,
    firstSymbols: props.firstSymbols,
  });
  const query = useSignal<ScreenerQuery>(DEFAULT_SCREENER_QUERY);
  const order = useMemo(() => page.order(query), [page]);
  // The first row scrolled into view: it changes once per row scrolled, not
  // once per pixel, so scrolling within a row re-renders nothing.
  const firstRow = useSignal(0);
  const viewport = useSignal(ROW_HEIGHT * 16);
  const body = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const rows = order.value;
  // Until the socket's first frame only the server's first rows are known.
  const live = page.live.value;
  const total = live ? page.size.value : props.total;
  const shown = IS_BROWSER
    ? rowWindow(
      rows.length,
      ROW_HEIGHT,
      firstRow.value * ROW_HEIGHT,
      viewport.value,
    )
    : {
      start: 0,
      end: Math.min(rows.length, props.items.length),
      before: 0,
      slots: props.items.length,
    };
  const watchlist = page.watchlist.value;

  // Sizes go through the CSSOM: the page's CSP allows no style attributes.
  useLayoutEffect(() => {
    const el = canvas.current;
    if (!el) return;
    el.style.height = `${rows.length * ROW_HEIGHT}px`;
    el.style.paddingTop = `${shown.before}px`;
  });
  useEffect(() => {
    const el = body.current;
    if (!el) return;
    const measure = () => (viewport.value = el.clientHeight);
    measure();
    let pending = 0;
    const onScroll = () => {
      if (pending) return;
      pending = requestAnimationFrame(() => {
        pending = 0;
        firstRow.value = Math.floor(el.scrollTop / ROW_HEIGHT);
      });
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    addEventListener("resize", measure);
    return () => {
      el.removeEventListener("scroll", onScroll);
      removeEventListener("resize", measure);
      if (pending) cancelAnimationFrame(pending);
    };
  }, []);

  const setQuery = (change: Partial<ScreenerQuery>) => {
    query.value = { ...query.value, ...change };
    if (change.text !== undefined || change.market !== undefined) {
      body.current?.scrollTo({ top: 0 });
      firstRow.value = 0;
    }
  };
  const sortBy = (sort: ScreenerSort) =>
    setQuery({
      sort,
      direction: query.value.sort === sort
        ? (query.value.direction === "asc" ? "desc" : "asc")
        : firstDirection(sort),
    });
  const { sort, direction } = query.value;
  const filters: readonly MarketFilter[] = props.markets.length > 1
    ? ["all", ...props.markets]
    : [];

  return (
    <section class="panel screener" aria-labelledby="screener-title">
      <header class="panel-head">
        <h2 id="screener-title">Markets</h2>
        <span
          class="screener-count num"
          data-field="screener-count"
          data-total={total}
          data-shown={rows.length}
          data-live={live}
          aria-live="polite"
        >
          {!live || rows.length === total
            ? `${total} markets`
            : `${rows.length} of ${total} markets`}
        </span>
      </header>
      <div class="screener-tools">
        <input
          type="search"
          class="screener-filter"
          placeholder="Filter pairs: BTC, PEPE/USDT…"
          aria-label="Filter pairs"
          data-field="screener-filter"
          value={query.value.text}
          onInput={(event) =>
            setQuery({ text: (event.target as HTMLInputElement).value })}
        />
        {filters.length > 0 && (
          <div class="chips" role="group" aria-label="Market">
            {filters.map((market) => (
              <button
                key={market}
                type="button"
                class={cx("chip", query.value.market === market && "is-active")}
                aria-pressed={query.value.market === market}
                data-market={market}
                onClick={() => setQuery({ market })}
              >
                {MARKET_LABEL[market]}
              </button>
            ))}
          </div>
        )}
        <label class="screener-sort">
          <span>Sort</span>
          <select
            data-field="screener-sort"
            value={sort}
            onChange={(event) => {
              const next = (event.target as HTMLSelectElement)
                .value as ScreenerSort;
              setQuery({ sort: next, direction: firstDirection(next) });
            }}
          >
            {Object.entries(SORT_LABEL).map(([value, label]) => (
              <option key={value} value={value}>{label}</option>
            ))}
          </select>
          <button
            type="button"
            class="chip"
            data-field="screener-direction"
            aria-label={direction === "asc" ? "Ascending" : "Descending"}
            onClick={() =>
              setQuery({ direction: direction === "asc" ? "desc" : "asc" })}
          >
            {direction === "asc" ? "▲" : "▼"}
          </button>
        </label>
      </div>
      <div
        class="screener-table"
        role="table"
        aria-label="Markets"
        aria-rowcount={rows.length + 1}
      >
        <div class="screener-head" role="row" aria-rowindex={1}>
          <span role="columnheader" class="col-watch">
            <span class="sr-only">Watchlist</span>
          </span>
          {COLUMNS.map((column) => (
            <span
              key={column.key}
              role="columnheader"
              class={`col-${column.key}`}
              aria-sort={column.sort === sort
                ? (direction === "asc" ? "ascending" : "descending")
                : undefined}
            >
              {column.sort
                ? (
                  <button
                    type="button"
                    class={cx("sort", column.sort === sort && "is-active")}
                    data-sort={column.sort}
                    onClick={() => sortBy(column.sort!)}
                  >
                    {column.label}
                    {column.sort === sort && (
                      <span aria-hidden="true">
                        {direction === "asc" ? " ▲" : " ▼"}
                      </span>
                    )}
                  </button>
                )
                : column.label}
            </span>
          ))}
        </div>
        <div class="screener-body" ref={body} data-field="screener-body">
          <div class="screener-canvas" ref={canvas} role="rowgroup">
            {rows.slice(shown.start, shown.end).map((symbol, i) => (
              <Row
                key={(shown.start + i) % shown.slots}
                page={page}
                symbol={symbol}
                index={shown.start + i}
                watched={watchlist.includes(symbol)}
              />
            ))}
          </div>
          {rows.length === 0 && (
            <p class="empty-note">
              {total === 0
                ? "No market has ticked yet."
                : "No pair matches the filter."}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

/**
 * One market's row; a click anywhere but the star opens its detail view. It
 * reads the market's own row signal, so a frame re-renders it alone. Each
 * figure is one text node: every one of them changes every second.
 */
function Row(
  props: {
    page: MarketPage;
    symbol: string;
    index: number;
    watched: boolean;
  },
) {
  const element = useRef<HTMLDivElement>(null);
  const shownSymbol = useRef(props.symbol);
  useLayoutEffect(() => {
    if (shownSymbol.current === props.symbol) return;
    shownSymbol.current = props.symbol;
    // The slot shows another market now: a star or link focused in it would
    // act on that one, so focus leaves, as when a row's DOM went with it.
    const focused = document.activeElement;
    if (focused instanceof HTMLElement && element.current?.contains(focused)) {
      focused.blur();
    }
  }, [props.symbol]);
  const row = props.page.row(props.symbol).value;
  // Removed from the market: the table drops the row in the same batch.
  if (!row) return null;
  const label = pairLabel(row.symbol);
  const trend = row.change > 0 ? "up" : row.change < 0 ? "down" : "flat";
  return (
    <div
      ref={element}
      role="row"
      class="screener-row"
      aria-rowindex={props.index + 2}
      data-field="screener-row"
      data-symbol={row.symbol}
      onClick={(event) => {
        if ((event.target as Element).closest("a, button")) return;
        location.assign(detailHref(row.symbol));
      }}
    >
      <span role="cell" class="col-watch">
        <button
          type="button"
          class={cx("watch", props.watched && "is-active")}
          aria-pressed={props.watched}
          aria-label={`Watch ${label}`}
          title={props.watched ? "On the watchlist" : "Add to the watchlist"}
          data-field="watch"
          onClick={() => props.page.toggleWatch(row.symbol)}
        >
          {props.watched ? "★" : "☆"}
        </button>
      </span>
      <span role="cell" class="col-symbol">
        <a href={detailHref(row.symbol)} data-field="screener-link">
          <PairName label={label.replace(" perp", "")} />
        </a>
        {row.market === "linear" && <span class="badge badge-perp">perp</span>}
        {row.is_whale && <span class="badge badge-whale">whale</span>}
      </span>
      <span role="cell" class="col-price num">{formatPrice(row.price)}</span>
      <span role="cell" class={cx("col-change num", trend)}>
        {`${directionArrow(row.change)} ${formatPercent(row.change)}`}
      </span>
      <span role="cell" class="col-turnover num">{formatUsd(row.volume)}</span>
      <span role="cell" class="col-spread num">
        {formatPercent(row.spread).replace("+", "")}
      </span>
      <span role="cell" class="col-velocity num">
        {`${formatPercent(row.velocity, 4)}/s`}
      </span>
      <span role="cell" class="col-tier">
        <span class={`badge tier-${row.tier.toLowerCase()}`}>{row.tier}</span>
      </span>
      <span role="cell" class="col-alert num">
        <AlertAge at={row.lastAlertAt} now={props.page.now} />
      </span>
    </div>
  );
}

/**
 * How long ago a pair's last alert was. Only this reads the page's clock, so
 * its ticks re-render the ages of pairs with an alert and nothing else.
 */
function AlertAge(props: { at: number | null; now: ReadonlySignal<number> }) {
  if (props.at === null) return <>—</>;
  return <>{`${formatDuration(Math.max(0, props.now.value - props.at))} ago`}
  </>;
}

/**
 * A pair's name with its quote apart, so a narrow screen can drop the quote
 * (every market `SYMBOLS=all` follows is quoted in USDT) and keep the base
 * and its badges whole.
 */
function PairName(props: { label: string }) {
  const slash = props.label.indexOf("/");
  if (slash < 0) return <span class="pair-base">{props.label}</span>;
  return (
    <>
      <span class="pair-base">{props.label.slice(0, slash)}</span>
      <span class="pair-quote">{props.label.slice(slash)}</span>
    </>
  );
}
