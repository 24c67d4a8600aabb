/**
 * The screener's model: every tracked market as the `/ws/market` frames
 * describe it, with the time of each one's last alert, sorted and filtered
 * for the table, and the window of rows a virtualised table renders.
 * Browser-safe and pure (no signals, no DOM): the page's client owns one and
 * bumps a version signal when it changes.
 *
 * A market frame holds only what changed (the first frame: everything);
 * `removed` names delisted pairs. The order is computed on demand, at most
 * once per applied batch or change of the query, as ids sorted on keys read
 * once per market (no row objects are built for it): 1,000 markets sort in
 * well under a millisecond. Rows are built one at a time, for the markets a
 * table shows.
 */
import { categoryOfId, type MarketCategory } from "../market/tracked_symbol.ts";
import type {
  AlertFrame,
  AlertKind,
  MarketFrame,
  MarketItem,
  VolatilityTier,
} from "../protocol/frames.ts";

/** Columns the screener sorts by. */
export const SCREENER_SORTS = [
  "symbol",
  "change",
  "turnover",
  "spread",
  "velocity",
  "tier",
  "alert",
] as const;

/** A column the screener sorts by. */
export type ScreenerSort = typeof SCREENER_SORTS[number];

/** Sort direction. */
export type SortDirection = "asc" | "desc";

/** Which markets the table shows. */
export type MarketFilter = "all" | MarketCategory;

/** What the table shows, in which order. */
export interface ScreenerQuery {
  readonly sort: ScreenerSort;
  readonly direction: SortDirection;
  /** Case-insensitive part of the pair's id (`btc`, `BTC/USDT`, `perp`). */
  readonly text: string;
  readonly market: MarketFilter;
}

/** The screener's first view: most traded first, every market. */
export const DEFAULT_SCREENER_QUERY: ScreenerQuery = {
  sort: "turnover",
  direction: "desc",
  text: "",
  market: "all",
};

/** One row: a market item with its market and last alert. */
export interface ScreenerRow extends MarketItem {
  readonly market: MarketCategory;
  /** Epoch ms of its newest alert seen by the page, or null. */
  readonly lastAlertAt: number | null;
  readonly lastAlertKind: AlertKind | null;
}

const TIER_RANK: Readonly<Record<VolatilityTier, number>> = {
  STABLE: 0,
  ACTIVE: 1,
  ELEVATED: 2,
};

/** The value a market sorts by in `sort` (numbers; `symbol` sorts by id). */
function sortValue(
  item: MarketItem,
  alertAt: number | undefined,
  sort: ScreenerSort,
): number {
  switch (sort) {
    case "change":
      return item.change;
    case "turnover":
      return item.volume;
    case "spread":
      return item.spread;
    case "velocity":
      return item.velocity;
    case "tier":
      return TIER_RANK[item.tier] ?? -1;
    case "alert":
      return alertAt ?? -Infinity;
    case "symbol":
      return 0;
  }
}

/** The natural first direction of a column: names A→Z, numbers largest first. */
export function firstDirection(sort: ScreenerSort): SortDirection {
  return sort === "symbol" ? "asc" : "desc";
}

const byId = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0;

/** Whether two id lists hold the same ids in the same order. */
export function sameOrder(
  a: readonly string[],
  b: readonly string[],
): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Normalises typed text to match ids: upper case, `/` and spaces as `-`. */
function needle(text: string): string {
  return text.trim().toUpperCase().replace(/[\s/]+/g, "-");
}

/** Every tracked market and its last alert. */
export class ScreenerModel {
  #items = new Map<string, MarketItem>();
  #alerts = new Map<string, { at: number; kind: AlertKind }>();

  /** Markets known. */
  get size(): number {
    return this.#items.size;
  }

  /** Whether `symbol` is a known market. */
  has(symbol: string): boolean {
    return this.#items.has(symbol);
  }

  /** Known ids, in the order they first appeared. */
  symbols(): string[] {
    return [...this.#items.keys()];
  }

  /** Seeds items (the server-rendered rows); later frames win. */
  seed(items: readonly MarketItem[]): void {
    for (const item of items) {
      if (!this.#items.has(item.symbol)) this.#items.set(item.symbol, item);
    }
  }

  /** Takes a market frame; returns whether anything changed. */
  apply(frame: MarketFrame): boolean {
    for (const item of frame.items) this.#items.set(item.symbol, item);
    let removed = false;
    for (const symbol of frame.removed ?? []) {
      removed = this.#items.delete(symbol) || removed;
      this.#alerts.delete(symbol);
    }
    return frame.items.length > 0 || removed;
  }

  /** Notes an alert's time for its pair (the newest wins). */
  noteAlert(alert: Pick<AlertFrame, "symbol" | "time" | "kind">): void {
    const at = Date.parse(alert.time);
    if (!Number.isFinite(at)) return;
    const before = this.#alerts.get(alert.symbol);
    if (before === undefined || at >= before.at) {
      this.#alerts.set(alert.symbol, { at, kind: alert.kind });
    }
  }

  /** `symbol`'s latest item, if it is known. */
  item(symbol: string): MarketItem | undefined {
    return this.#items.get(symbol);
  }

  /** `symbol`'s row (its item, market and last alert), if it is known. */
  row(symbol: string): ScreenerRow | undefined {
    const item = this.#items.get(symbol);
    if (!item) return undefined;
    const alert = this.#alerts.get(symbol);
    return {
      ...item,
      market: categoryOfId(symbol),
      lastAlertAt: alert?.at ?? null,
      lastAlertKind: alert?.kind ?? null,
    };
  }

  /** The ids of the markets `query` selects, in its order (ties by id). */
  order(query: ScreenerQuery): string[] {
    const text = needle(query.text);
    const { sort } = query;
    const keyed: { id: string; key: number }[] = [];
    for (const item of this.#items.values()) {
      const id = item.symbol;
      if (query.market !== "all" && categoryOfId(id) !== query.market) continue;
      if (text !== "" && !id.includes(text)) continue;
      keyed.push({ id, key: sortValue(item, this.#alerts.get(id)?.at, sort) });
    }
    const sign = query.direction === "asc" ? 1 : -1;
    keyed.sort((a, b) =>
      sort === "symbol"
        ? sign * byId(a.id, b.id)
        : a.key !== b.key
        ? sign * (a.key < b.key ? -1 : 1)
        : byId(a.id, b.id)
    );
    return keyed.map((entry) => entry.id);
  }
}

/** The rows a virtualised table renders. */
export interface RowWindow {
  /** Index of the first row rendered. */
  readonly start: number;
  /** Index after the last row rendered. */
  readonly end: number;
  /** Height of everything above `start`, px. */
  readonly before: number;
  /** Height of everything after `end`, px. */
  readonly after: number;
  /**
   * How many rows any window of this viewport holds at most. Keyed by
   * `index % slots`, rows scrolled in take over the DOM of rows scrolled
   * out (their text changes) instead of being built anew: creating a
   * screenful of rows per scroll step was the page's longest task.
   */
  readonly slots: number;
}

/**
 * Which of `count` rows of `rowHeight` px to render for a viewport of
 * `viewport` px scrolled to `scrollTop`, with `overscan` rows either side
 * (so a scroll shows rows, not blanks, before the next render). Every row
 * rendered is laid out each time its figures change, so the overscan is
 * kept small.
 */
export function rowWindow(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewport: number,
  overscan = 4,
): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.max(start, Math.min(count, first + visible + overscan));
  return {
    start,
    end,
    before: start * rowHeight,
    after: (count - end) * rowHeight,
    slots: visible + 2 * overscan,
  };
}
