/**
 * The market overview's conflation: the latest view of every tracked symbol
 * and which of them changed since the last overview frame. Ticks arrive by
 * the thousand a second at whole-market scale; the overview socket gets at
 * most one frame a second, holding only what changed (a symbol that ticked
 * ten times is one item, with its latest values; one whose values did not
 * move is not an item). The full frame — every symbol — is built only when a
 * socket needs it (its first frame, or after it fell behind), once per cycle
 * however many sockets need it.
 *
 * Pure: the caller says when a cycle ends (`cycle`); encoding happens here,
 * once per frame, and the same string goes to every socket. A noted tick is
 * only held by reference until then: its fields are read once per symbol and
 * cycle, not once per tick — from the analysed tick when the hub had it in
 * hand, else by parsing the stored frame.
 */
import {
  roundTo,
  SPREAD_DECIMALS,
  VELOCITY_DECIMALS,
} from "../protocol/published_precision.ts";
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import type { MarketFrame, MarketItem } from "../protocol/frames.ts";

/**
 * The overview view of a tick: the fields a screener shows. Ticks come
 * rounded from the analyser; a stored one from before that is rounded here.
 */
export function marketItem(tick: AnalyzedTick): MarketItem {
  return {
    symbol: tick.symbol,
    price: tick.price,
    change: tick.change,
    volume: tick.volume,
    spread: roundTo(tick.spread, SPREAD_DECIMALS),
    velocity: roundTo(tick.velocity, VELOCITY_DECIMALS),
    tier: tick.tier,
    is_whale: tick.is_whale,
  };
}

function sameItem(a: MarketItem, b: MarketItem): boolean {
  return a.price === b.price && a.change === b.change &&
    a.volume === b.volume && a.spread === b.spread &&
    a.velocity === b.velocity && a.tier === b.tier &&
    a.is_whale === b.is_whale;
}

/** The frames one cycle produced. */
export interface OverviewCycle {
  /** Only what changed since the previous cycle; undefined when nothing did. */
  readonly delta: string | undefined;
  /** Every symbol, encoded on first use. */
  full(): string;
}

/**
 * A tick to note: a stored one as the hub keeps it (its frame is parsed on
 * first read), or one the hub has just analysed, read as it is.
 */
export interface NotedTick {
  readonly frame: AnalyzedTick;
}

/** Latest items and what changed, per overview cycle. */
export class MarketOverview {
  #items = new Map<string, MarketItem>();
  #pending = new Map<string, NotedTick>();
  #dirty = new Set<string>();
  #removed = new Set<string>();

  /** Symbols with an item. */
  get size(): number {
    this.#settle();
    return this.#items.size;
  }

  /**
   * Records the latest tick of `symbol` (kept by reference, read at the next
   * cycle); the symbol is in the next delta if its view moved.
   */
  note(symbol: string, tick: NotedTick): void {
    this.#pending.set(symbol, tick);
  }

  /** Forgets a symbol (delisted); the next delta names it as removed. */
  remove(symbol: string): void {
    this.#pending.delete(symbol);
    this.#dirty.delete(symbol);
    if (this.#items.delete(symbol)) this.#removed.add(symbol);
  }

  /** The latest item of `symbol`, if any. */
  item(symbol: string): MarketItem | undefined {
    this.#settle();
    return this.#items.get(symbol);
  }

  /** Every item, in the order symbols first appeared. */
  items(): MarketItem[] {
    this.#settle();
    return [...this.#items.values()];
  }

  /** Turns the ticks noted since the last read into items. */
  #settle(): void {
    if (this.#pending.size === 0) return;
    for (const [symbol, tick] of this.#pending) {
      const item = marketItem(tick.frame);
      const before = this.#items.get(symbol);
      if (before !== undefined && sameItem(before, item)) continue;
      this.#items.set(symbol, item);
      this.#dirty.add(symbol);
    }
    this.#pending.clear();
  }

  /** Ends a cycle at `now`: its delta, and the full frame on demand. */
  cycle(now: number): OverviewCycle {
    this.#settle();
    let delta: string | undefined;
    if (this.#dirty.size > 0 || this.#removed.size > 0) {
      const items: MarketItem[] = [];
      for (const symbol of this.#dirty) items.push(this.#items.get(symbol)!);
      const frame: MarketFrame = this.#removed.size > 0
        ? { type: "market", ts: now, items, removed: [...this.#removed] }
        : { type: "market", ts: now, items };
      delta = JSON.stringify(frame);
    }
    this.#dirty.clear();
    this.#removed.clear();
    let full: string | undefined;
    return {
      delta,
      full: () =>
        full ??= JSON.stringify(
          {
            type: "market",
            ts: now,
            items: this.items(),
          } satisfies MarketFrame,
        ),
    };
  }
}
