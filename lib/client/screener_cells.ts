/**
 * What a screener row shows, as text, and the signals that carry it to the
 * DOM. With a whole market every visible row changes every second; a row
 * that re-rendered per frame diffed its whole tree for the five figures that
 * moved. Instead each figure is a computed signal bound to its text node (or
 * attribute): a frame recomputes the strings and writes only the ones that
 * differ, and the row component renders again only when its market changes
 * (a scroll) or a badge comes or goes.
 */
import { computed, type ReadonlySignal } from "@preact/signals";
import {
  directionArrow,
  formatDuration,
  formatPercent,
  formatPrice,
  formatUsd,
} from "./format.ts";
import type { ScreenerRow } from "./screener.ts";
import { PENDING, type RowView } from "./screener_fill.ts";

/** A row's figures as the table prints them. */
export interface ScreenerCells {
  readonly price: string;
  /** Arrow and signed percent: `▲ +1.23%`. */
  readonly change: string;
  /** The change cell's class: its direction colours it. */
  readonly changeClass: string;
  readonly turnover: string;
  /** Unsigned percent: a spread is never negative. */
  readonly spread: string;
  readonly velocity: string;
  readonly tier: string;
  /** The tier badge's class. */
  readonly tierClass: string;
  readonly whale: boolean;
}

const EMPTY: ScreenerCells = {
  price: "",
  change: "",
  changeClass: "col-change num flat",
  turnover: "",
  spread: "",
  velocity: "",
  tier: "",
  tierClass: "badge",
  whale: false,
};

/** The figures of `row` (blank for a market that is gone). */
export function screenerCells(row: ScreenerRow | undefined): ScreenerCells {
  if (!row) return EMPTY;
  const trend = row.change > 0 ? "up" : row.change < 0 ? "down" : "flat";
  return {
    price: formatPrice(row.price),
    change: `${directionArrow(row.change)} ${formatPercent(row.change)}`,
    changeClass: `col-change num ${trend}`,
    turnover: formatUsd(row.volume),
    spread: formatPercent(row.spread).replace("+", ""),
    velocity: `${formatPercent(row.velocity, 4)}/s`,
    tier: row.tier,
    tierClass: `badge tier-${row.tier.toLowerCase()}`,
    whale: row.is_whale,
  };
}

/** `12 s ago`, or `—` for a pair with no alert yet. */
export function alertAge(at: number | null, now: number): string {
  return at === null ? "—" : `${formatDuration(Math.max(0, now - at))} ago`;
}

/** {@linkcode ScreenerCells} as signals, each changing only with its text. */
export type CellSignals =
  & {
    readonly [K in keyof ScreenerCells]: ReadonlySignal<ScreenerCells[K]>;
  }
  & {
    /** Whether the market is still tracked. */
    readonly present: ReadonlySignal<boolean>;
    /** Whether the figures are not in yet (a placeholder shows). */
    readonly pending: ReadonlySignal<boolean>;
    /**
     * The market whose figures the row holds (`undefined` before its first
     * fill): its name, link and badges follow it, so a scroll rewrites them
     * with the figures, a few rows a frame, not all in the scroll's frame.
     */
    readonly symbol: ReadonlySignal<string | undefined>;
    /** The last alert's age (follows the page clock). */
    readonly alert: ReadonlySignal<string>;
  };

/**
 * Signals of the figures `view` shows: bound in JSX, each updates its own
 * text node or attribute, and only when its string changes. `now` (the page
 * clock) moves only the alert age. While `view` is {@linkcode PENDING} the
 * figures keep their last text (the stylesheet hides it under a placeholder:
 * rewriting it to blanks first would lay the row out twice) and no badge
 * shows.
 */
export function cellSignals(
  view: ReadonlySignal<RowView>,
  now: ReadonlySignal<number>,
): CellSignals {
  let last: ScreenerRow | undefined;
  const shown = computed(() => {
    const next = view.value;
    if (next !== PENDING) last = next;
    return last;
  });
  const cells = computed(() => screenerCells(shown.value));
  const pick = <K extends keyof ScreenerCells>(key: K) =>
    computed(() => cells.value[key]);
  const pending = computed(() => view.value === PENDING);
  const lastAlertAt = computed(() => shown.value?.lastAlertAt ?? null);
  return {
    price: pick("price"),
    change: pick("change"),
    changeClass: pick("changeClass"),
    turnover: pick("turnover"),
    spread: pick("spread"),
    velocity: pick("velocity"),
    tier: pick("tier"),
    tierClass: pick("tierClass"),
    whale: computed(() => !pending.value && cells.value.whale),
    present: computed(() => view.value !== undefined),
    pending,
    symbol: computed(() => shown.value?.symbol),
    alert: computed(() => alertAge(lastAlertAt.value, now.value)),
  };
}
