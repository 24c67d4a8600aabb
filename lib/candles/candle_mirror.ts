/**
 * A follower's copy of the leader's bars: the bars the leader stored (as its
 * updates carry them, or read from the shared store when they were too many
 * to carry or some were missed) and the leader's bars in progress, put into
 * this instance's books so it answers exactly as the leader does. Active
 * only while this instance mirrors; a leader ignores it.
 */
import type { Clock } from "../clock/clock.ts";
import type { OpenState } from "./bar_builder.ts";
import type { CandleBook } from "./candle_book.ts";
import type { StoredResolution } from "./candle_intervals.ts";
import { type CandleHorizons, loadRange, reloadBook } from "./candle_load.ts";
import type { CandleStore, StoredBar } from "./candle_store.ts";
import type { DurableBars } from "./durable_bars.ts";

/** Options of {@linkcode CandleMirror}. */
export interface CandleMirrorOptions {
  /** The books by symbol (the candle service's). */
  readonly books: ReadonlyMap<string, CandleBook>;
  readonly bars: DurableBars;
  /** The shared store the leader writes. */
  readonly store: CandleStore;
  /** How much of each resolution the books keep in memory now, ms. */
  readonly windowsMs: () => CandleHorizons;
  readonly clock: Clock;
}

/** Takes the leader's bars into this instance's books. */
export class CandleMirror {
  /** Whether this instance mirrors now (set by the candle service). */
  active = false;
  #options: CandleMirrorOptions;

  /** See {@linkcode CandleMirrorOptions}. */
  constructor(options: CandleMirrorOptions) {
    this.#options = options;
  }

  /** Takes bars the leader stored. */
  takeBars(bars: readonly StoredBar[]): void {
    if (!this.active) return;
    for (const { symbol, resolution, candle } of bars) {
      this.#options.books.get(symbol)?.mirrorBars(resolution, [candle]);
    }
  }

  /** Takes the leader's bars in progress of `symbol` and how far it stored. */
  takeOpen(symbol: string, state: OpenState, durable: number): void {
    const book = this.#options.books.get(symbol);
    if (!this.active || !book) return;
    book.mirrorOpen(state);
    this.#options.bars.mirror(symbol, durable);
  }

  /**
   * Reads the bars the leader stored in `[from, to]` of one series (too
   * many to come with its update).
   */
  async readRange(
    symbol: string,
    resolution: StoredResolution,
    from: number,
    to: number,
  ): Promise<void> {
    const book = this.#options.books.get(symbol);
    if (!this.active || !book) return;
    const bars = await loadRange(
      this.#options.store,
      symbol,
      resolution,
      from,
      to,
    );
    if (this.active) book.mirrorBars(resolution, bars);
  }

  /**
   * Reads the store again, from `lookbackMs` (default an hour) before the
   * newest bar each book has (see `reloadBook`): after some of the
   * leader's writes were missed.
   */
  async reload(lookbackMs?: number): Promise<void> {
    const { books, store, windowsMs, clock } = this.#options;
    const now = clock.now();
    const windows = windowsMs();
    for (const [symbol, book] of books) {
      if (!this.active) return;
      await reloadBook(store, symbol, book, windows, now, lookbackMs);
    }
  }
}
