/**
 * One row of the screener: a market's figures, its star and its link. The
 * figures are bound signals (`screener_cells.ts`), so a market frame writes
 * the strings that changed into their text nodes without rendering the row;
 * the row renders when its slot shows another market (a scroll), when the
 * star changes, and when a badge comes or goes. Its figure cells are one
 * vnode made once per slot, so that render diffs the name, link and star
 * alone. Name, link, star and badges show the market whose figures the row
 * holds: a scroll's frame marks the row waiting (one attribute) and its new
 * market is written when its figures are (`screener_fill.ts`).
 */
import type { ReadonlySignal } from "@preact/signals";
import { useLayoutEffect, useMemo, useRef } from "preact/hooks";
import { categoryOfId } from "../market/tracked_symbol.ts";
import { cx } from "./class_names.ts";
import { pairLabel } from "./format.ts";
import type { MarketPage } from "./market_page.ts";
import { type CellSignals, cellSignals } from "./screener_cells.ts";
import type { RowView } from "./screener_fill.ts";

/** The pair's detail view. */
export const detailHref = (symbol: string): string =>
  `/s/${encodeURIComponent(symbol)}`;

/** Props of {@linkcode ScreenerRow}. */
export interface ScreenerRowProps {
  readonly page: MarketPage;
  readonly symbol: string;
  /** What the row shows (`ScreenerFill.view`): paced figures or none yet. */
  readonly view: ReadonlySignal<RowView>;
  /** Position in the table's order (0 is the first market). */
  readonly index: number;
}

/**
 * One market's row; a click anywhere but the star opens its detail view.
 * Removed from the market, it renders nothing (the table drops it in the
 * same batch).
 */
export function ScreenerRow(props: ScreenerRowProps) {
  const { page, symbol } = props;
  const element = useRef<HTMLDivElement>(null);
  const shownSymbol = useRef(symbol);
  useLayoutEffect(() => {
    if (shownSymbol.current === symbol) return;
    shownSymbol.current = symbol;
    // The slot shows another market now: a star or link focused in it would
    // act on that one, so focus leaves, as when a row's DOM went with it.
    const focused = document.activeElement;
    if (focused instanceof HTMLElement && element.current?.contains(focused)) {
      focused.blur();
    }
  }, [symbol]);
  const { view } = props;
  const cells = useMemo(() => cellSignals(view, page.now), [view, page]);
  const figures = useMemo(() => <Figures cells={cells} />, [cells]);
  // The only reads that render the row: a badge or the row itself appears
  // or goes. Every figure is a signal bound to its node.
  if (!cells.present.value) return null;
  const whale = cells.whale.value;
  // The market the row's contents show: until its figures are in, the one
  // it showed before, hidden under the placeholder (never drawn as data).
  const shown = cells.symbol.value ?? symbol;
  const label = pairLabel(shown);
  const watched = page.watchlist.value.includes(shown);
  return (
    <div
      ref={element}
      role="row"
      class="screener-row"
      aria-rowindex={props.index + 2}
      aria-busy={cells.pending}
      data-field="screener-row"
      data-symbol={symbol}
      onClick={(event) => {
        if ((event.target as Element).closest("a, button")) return;
        location.assign(detailHref(symbol));
      }}
    >
      <span role="cell" class="col-watch">
        <button
          type="button"
          class={cx("watch", watched && "is-active")}
          aria-pressed={watched}
          aria-label={`Watch ${label}`}
          title={watched ? "On the watchlist" : "Add to the watchlist"}
          data-field="watch"
          onClick={() => page.toggleWatch(shown)}
        >
          {watched ? "★" : "☆"}
        </button>
      </span>
      <span role="cell" class="col-symbol">
        <a href={detailHref(shown)} data-field="screener-link">
          <PairName label={label.replace(" perp", "")} />
        </a>
        {categoryOfId(shown) === "linear" && (
          <span class="badge badge-perp">perp</span>
        )}
        {whale && <span class="badge badge-whale">whale</span>}
      </span>
      {figures}
    </div>
  );
}

/**
 * A row's figures, each a signal bound to its text node or attribute: made
 * once per slot and never rendered again.
 */
function Figures(props: { cells: CellSignals }) {
  const { cells } = props;
  return (
    <>
      <span role="cell" class="col-price num">{cells.price}</span>
      <span role="cell" class={cells.changeClass}>{cells.change}</span>
      <span role="cell" class="col-turnover num">{cells.turnover}</span>
      <span role="cell" class="col-spread num">{cells.spread}</span>
      <span role="cell" class="col-velocity num">{cells.velocity}</span>
      <span role="cell" class="col-tier">
        <span class={cells.tierClass}>{cells.tier}</span>
      </span>
      <span role="cell" class="col-alert num">{cells.alert}</span>
    </>
  );
}

/**
 * A pair's name with its quote apart, so a narrow screen can drop the quote
 * (every market `SYMBOLS=all` follows is quoted in USDT) and keep the base
 * and its badges whole.
 */
function PairName(props: { label: string }) {
  const slash = props.label.indexOf("/");
  if (slash < 0) return <>{props.label}</>;
  return (
    <>
      {props.label.slice(0, slash)}
      <span class="pair-quote">{props.label.slice(slash)}</span>
    </>
  );
}
