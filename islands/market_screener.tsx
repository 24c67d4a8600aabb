import {
  effect,
  type ReadonlySignal,
  type Signal,
  useComputed,
  useSignal,
} from "@preact/signals";
import type { RefObject } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef } from "preact/hooks";
import type { MarketCategory } from "../lib/market/tracked_symbol.ts";
import type { MarketItem } from "../lib/protocol/frames.ts";
import { cx } from "../lib/client/class_names.ts";
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
import { ScreenerRow } from "../lib/client/screener_row.tsx";
import {
  fillOrder,
  type FillReason,
  ScreenerFill,
} from "../lib/client/screener_fill.ts";

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

/**
 * Every tracked market in one table, live from `/ws/market`: sort by any
 * column (click its header, or the sort menu on narrow screens), filter by
 * text and by market, star pairs for the dashboard's watchlist, and open a
 * pair's detail view from its row. Only the rows in view (and a few either
 * side) are in the DOM, so a thousand markets scroll as smoothly as ten.
 *
 * The tools and head render only when the query changes; the body when the
 * order or the window does. A frame's new figures render nothing: each is a
 * signal bound to its text node (`screener_row.tsx`), written only when its
 * text changes.
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
  const body = useRef<HTMLDivElement>(null);
  const rowCount = useComputed(() => order.value.length + 1);

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
        <ScreenerCount page={page} order={order} total={props.total} />
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
        aria-rowcount={rowCount}
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
        <ScreenerBody
          page={page}
          query={query}
          order={order}
          firstRow={firstRow}
          body={body}
          seeded={props.items.length}
          total={props.total}
        />
      </div>
    </section>
  );
}

/**
 * Markets tracked: the live count once the socket's first frame is in,
 * until then the count the page was rendered with.
 */
function trackedCount(page: MarketPage, rendered: number): number {
  return page.live.value ? page.size.value : rendered;
}

/**
 * How many markets the table lists: it reads the order, so a frame that
 * reorders the rows renders this and the body, not the tools and head.
 */
function ScreenerCount(
  props: {
    page: MarketPage;
    order: ReadonlySignal<readonly string[]>;
    /** Markets tracked when the page was rendered. */
    total: number;
  },
) {
  const shown = props.order.value.length;
  const live = props.page.live.value;
  const total = trackedCount(props.page, props.total);
  return (
    <span
      class="screener-count num"
      data-field="screener-count"
      data-total={total}
      data-shown={shown}
      data-live={live}
      aria-live="polite"
    >
      {!live || shown === total
        ? `${total} markets`
        : `${shown} of ${total} markets`}
    </span>
  );
}

/**
 * The scrolling body: the rows in view (and a few either side) of the
 * order, in slots that keep their DOM as the window moves.
 */
function ScreenerBody(
  props: {
    page: MarketPage;
    query: ReadonlySignal<ScreenerQuery>;
    order: ReadonlySignal<readonly string[]>;
    firstRow: Signal<number>;
    body: RefObject<HTMLDivElement | null>;
    /** Rows the server rendered. */
    seeded: number;
    /** Markets tracked when the page was rendered. */
    total: number;
  },
) {
  const { page, firstRow, body } = props;
  const viewport = useSignal(ROW_HEIGHT * 16);
  const canvas = useRef<HTMLDivElement>(null);
  const rows = props.order.value;
  const shown = IS_BROWSER
    ? rowWindow(
      rows.length,
      ROW_HEIGHT,
      firstRow.value * ROW_HEIGHT,
      viewport.value,
    )
    : {
      start: 0,
      end: Math.min(rows.length, props.seeded),
      before: 0,
      slots: props.seeded,
    };
  const fill = useMemo(() => new ScreenerFill((symbol) => page.row(symbol)), [
    page,
  ]);
  // What moved the window decides how its new rows fill (`screener_fill.ts`):
  // a query at once; a scroll over the next frames, even when a market
  // frame reordered the rows in the same render.
  const last = useRef<
    { query?: ScreenerQuery; order?: readonly string[]; start?: number }
  >({});
  if (IS_BROWSER) {
    const query = props.query.peek();
    const reason: FillReason = last.current.query !== query
      ? "query"
      : last.current.order !== rows && last.current.start === shown.start
      ? "reorder"
      : "scroll";
    last.current = { query, order: rows, start: shown.start };
    fill.setWindow(
      fillOrder(shown, firstRow.peek()).map((index) =>
        [index % shown.slots, rows[index]] as const
      ),
      reason,
    );
  }
  useEffect(() => {
    // A market frame's figures reach the rows a few a frame.
    const stop = effect(() => {
      page.version.value;
      fill.changed();
    });
    return () => {
      stop();
      fill.dispose();
    };
  }, [fill]);

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

  const total = trackedCount(page, props.total);
  return (
    <div class="screener-body" ref={body} data-field="screener-body">
      <div class="screener-canvas" ref={canvas} role="rowgroup">
        {rows.slice(shown.start, shown.end).map((symbol, i) => (
          <ScreenerRow
            key={(shown.start + i) % shown.slots}
            page={page}
            symbol={symbol}
            view={IS_BROWSER
              ? fill.view((shown.start + i) % shown.slots)
              : page.row(symbol)}
            index={shown.start + i}
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
  );
}
