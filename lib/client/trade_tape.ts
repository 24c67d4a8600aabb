/**
 * Recent public trades per symbol for the trades tape: the trades the server
 * rendered into the page, then every `trades` frame, de-duplicated by trade
 * id and bounded per symbol (a tape is read at a glance; older trades are in
 * the exchange's history, not here).
 */
import { type Signal, signal } from "@preact/signals";
import type { TapeTrade, TradesFrame } from "../protocol/trades.ts";

/** Trades kept per symbol. */
export const MAX_TAPE_TRADES = 60;

/** The page's trades tape. */
export class TradeTape {
  /** Bumped whenever trades arrive. */
  readonly version: Signal<number> = signal(0);
  #trades = new Map<string, TapeTrade[]>();

  /** Recent trades of `symbol`, oldest first. */
  trades(symbol: string): readonly TapeTrade[] {
    return this.#trades.get(symbol) ?? [];
  }

  /** Adds trades of `symbol` (oldest first); known ids are skipped. */
  add(symbol: string, trades: readonly TapeTrade[]): void {
    if (trades.length === 0) return;
    const current = this.#trades.get(symbol) ?? [];
    const known = new Set(current.map((trade) => trade.id));
    const fresh = trades.filter((trade) =>
      !known.has(trade.id) && Number.isFinite(trade.price) &&
      Number.isFinite(trade.size)
    );
    if (fresh.length === 0) return;
    const next = [...current, ...fresh]
      .sort((a, b) => a.ts - b.ts)
      .slice(-MAX_TAPE_TRADES);
    this.#trades.set(symbol, next);
    this.version.value++;
  }

  /** Applies the stream's trades frames. */
  apply(frames: readonly TradesFrame[]): void {
    for (const frame of frames) this.add(frame.symbol, frame.trades);
  }
}
