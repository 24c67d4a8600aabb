/**
 * The trades tape: the public trades ingestion already delivers, kept per
 * symbol in a bounded ring (newest last, by column: see `TradeRing`) for the
 * page's first paint, and collected between two push cycles for the `trades`
 * frames. Both bounds hold whatever the market does: a burst of a thousand
 * trades in a cycle sends the newest `capacity` of them.
 */
import type { MarketTrade } from "../market/market_trade.ts";
import type { TapeTrade } from "../protocol/trades.ts";
import { TradeRing } from "./trade_ring.ts";

/** Trades kept per symbol by default. */
export const DEFAULT_TAPE_CAPACITY = 100;

/** Recent trades per symbol. */
export class TradeTape {
  #rings = new Map<string, TradeRing>();
  #pending = new Map<string, TapeTrade[]>();
  #capacity: number;

  /** Tracks `symbols`, keeping `capacity` trades each. */
  constructor(symbols: readonly string[], capacity = DEFAULT_TAPE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `capacity must be a positive integer, got ${capacity}`,
      );
    }
    this.#capacity = capacity;
    for (const symbol of symbols) {
      this.#rings.set(symbol, new TradeRing(capacity));
    }
  }

  /** Keeps trades of `symbols` too (new listings). */
  track(symbols: readonly string[]): void {
    for (const symbol of symbols) {
      if (!this.#rings.has(symbol)) {
        this.#rings.set(symbol, new TradeRing(this.#capacity));
      }
    }
  }

  /** Forgets `symbols` and their trades (delistings). */
  untrack(symbols: readonly string[]): void {
    for (const symbol of symbols) this.#rings.delete(symbol);
  }

  /** Adds trades (ascending in time per symbol); untracked symbols are ignored. */
  add(trades: readonly MarketTrade[]): void {
    for (const trade of trades) {
      this.#push(trade.symbol, {
        id: trade.id,
        ts: trade.time,
        side: trade.side,
        price: trade.price,
        size: trade.size,
        notional: trade.notional,
      });
    }
  }

  /**
   * Adds trades of `symbol` as another instance's tape took them (a
   * follower of the leader, which ingests them).
   */
  addTape(symbol: string, trades: readonly TapeTrade[]): void {
    for (const trade of trades) this.#push(symbol, trade);
  }

  #push(symbol: string, entry: TapeTrade): void {
    const ring = this.#rings.get(symbol);
    if (!ring) return;
    ring.push(entry);
    let pending = this.#pending.get(symbol);
    if (!pending) this.#pending.set(symbol, pending = []);
    pending.push(entry);
    if (pending.length > this.#capacity) pending.shift();
  }

  /** The newest trades of `symbol`, oldest first (empty if unknown). */
  recent(symbol: string): readonly TapeTrade[] {
    return this.#rings.get(symbol)?.slice() ?? [];
  }

  /** Trades added since the last call, by symbol; forgets them. */
  takePending(): Map<string, TapeTrade[]> {
    const pending = this.#pending;
    this.#pending = new Map();
    return pending;
  }
}
