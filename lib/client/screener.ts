/**
 * The screener's model: every tracked market as the `/ws/market` frames
 * describe it, with the time of each one's last alert, sorted and filtered
 * for the table, and the window of rows a virtualised table renders.
 * Browser-safe and pure (no signals, no DOM): the page's client owns one and
 * bumps a version signal when it changes.
 *
 * A market frame holds only what changed (the first frame: everything);
 * `removed` names delisted pairs. Sorting 1,000 rows takes well under a
 * millisecond, and happens at most once per frame (one a second) or per
 * change of the query, so rows are sorted on demand rather than kept sorted.
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

/** The value a row sorts by in `sort` (numbers; `symbol` sorts by text). */
function sortValue(row: ScreenerRow, sort: ScreenerSort): number {
  switch (sort) {
    case "change":
      return row.change;
    case "turnover":
      return row.volume;
    case "spread":
      return row.spread;
    case "velocity":
      return row.velocity;
    case "tier":
      return TIER_RANK[row.tier] ?? -1;
    case "alert":
      return row.lastAlertAt ?? -Infinity;
    case "symbol":
      return 0;
  }
}

/** The natural first direction of a column: names A→Z, numbers largest first. */
export function firstDirection(sort: ScreenerSort): SortDirection {
  return sort === "symbol" ? "asc" : "desc";
}

const byId = (a: ScreenerRow, b: ScreenerRow) =>
  a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;

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

  /** The rows `query` selects, in its order (ties by id). */
  rows(query: ScreenerQuery): ScreenerRow[] {
    const text = needle(query.text);
    const rows: ScreenerRow[] = [];
    for (const item of this.#items.values()) {
      const market = categoryOfId(item.symbol);
      if (query.market !== "all" && market !== query.market) continue;
      if (text !== "" && !item.symbol.includes(text)) continue;
      const alert = this.#alerts.get(item.symbol);
      rows.push({
        ...item,
        market,
        lastAlertAt: alert?.at ?? null,
        lastAlertKind: alert?.kind ?? null,
      });
    }
    const sign = query.direction === "asc" ? 1 : -1;
    const { sort } = query;
    rows.sort((a, b) => {
      if (sort !== "symbol") {
        const x = sortValue(a, sort);
        const y = sortValue(b, sort);
        if (x !== y) return sign * (x < y ? -1 : 1);
        return byId(a, b);
      }
      return sign * byId(a, b);
    });
    return rows;
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
}

/**
 * Which of `count` rows of `rowHeight` px to render for a viewport of
 * `viewport` px scrolled to `scrollTop`, with `overscan` rows either side
 * (so a fast scroll shows rows, not blanks, before the next render).
 */
export function rowWindow(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewport: number,
  overscan = 8,
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
  };
}
