/**
 * Building bars from ingestion's events, on the instance that leads: ticker
 * snapshots and public trades go into each symbol's book, bars close on
 * exchange time (or after silence by the local clock), and what closes is
 * handed to {@linkcode DurableBars} to be stored; late trades amend their
 * second while its minute is open; bars from the exchange fill gaps.
 */
import type { Clock } from "../clock/clock.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import type { Candle } from "../protocol/candles.ts";
import type { CandleBook } from "./candle_book.ts";
import type { CandleTick } from "./candle_service.ts";
import type { StoredBar } from "./candle_store.ts";
import type { DurableBars } from "./durable_bars.ts";

/** Options of {@linkcode CandleBuilding}. */
export interface CandleBuildingOptions {
  /** The books by symbol (the service's). */
  readonly books: ReadonlyMap<string, CandleBook>;
  readonly bars: DurableBars;
  readonly clock: Clock;
  /** Later data this far past a bar's end closes it, ms. Default 250. */
  readonly graceMs?: number;
  /** Without data, a bar closes this long after its end, ms. Default 2 000. */
  readonly silenceMs?: number;
}

/** The events that build bars, and what closes. */
export class CandleBuilding {
  #options: CandleBuildingOptions;
  #books: ReadonlyMap<string, CandleBook>;
  #graceMs: number;
  #silenceMs: number;
  #backfilled = 0;

  /** See {@linkcode CandleBuildingOptions}. */
  constructor(options: CandleBuildingOptions) {
    this.#options = options;
    this.#books = options.books;
    this.#graceMs = options.graceMs ?? 250;
    this.#silenceMs = options.silenceMs ?? 2_000;
  }

  /** Bars taken from the exchange since start. */
  get backfilled(): number {
    return this.#backfilled;
  }

  /** Feeds ticker snapshots; bars that this data completes close. */
  observeTicks(ticks: readonly CandleTick[]): void {
    const touched = new Map<string, CandleBook>();
    for (const tick of ticks) {
      const book = this.#books.get(tick.symbol);
      if (!book) continue;
      book.observeTick(tick.upstream_ts, tick.price, tick.volume);
      touched.set(tick.symbol, book);
    }
    this.#closeTouched(touched);
  }

  /** Feeds public trades; late ones amend their second while they can. */
  observeTrades(trades: readonly MarketTrade[]): void {
    const touched = new Map<string, CandleBook>();
    const amended: StoredBar[] = [];
    for (const trade of trades) {
      const book = this.#books.get(trade.symbol);
      if (!book) continue;
      const changed: Candle[] = [];
      book.observeTrade(
        trade.time,
        trade.price,
        trade.size,
        trade.notional,
        changed,
      );
      for (const candle of changed) {
        amended.push({ symbol: trade.symbol, resolution: "1s", candle });
      }
      touched.set(trade.symbol, book);
    }
    this.#options.bars.enqueue(amended);
    this.#closeTouched(touched);
  }

  /** Closes bars whose time has passed without data (call it often). */
  closeDue(): void {
    const before = this.#options.clock.now() - this.#silenceMs;
    for (const [symbol, book] of this.#books) this.#close(symbol, book, before);
  }

  /**
   * Takes bars fetched from the exchange where `symbol` has none, writes
   * them, and aggregates again the hours they complete. Returns how many
   * were taken.
   */
  merge(
    symbol: string,
    resolution: "1m" | "1h",
    bars: readonly Candle[],
  ): number {
    const book = this.#books.get(symbol);
    if (!book) return 0;
    const taken = book.restore(resolution, bars);
    const writes: StoredBar[] = taken.map((candle) => ({
      symbol,
      resolution,
      candle,
    }));
    if (resolution === "1m") {
      const hours = taken.map((c) => Math.floor(c.t / 3_600_000) * 3_600_000);
      for (const candle of book.reseal("1h", hours)) {
        writes.push({ symbol, resolution: "1h", candle });
      }
    }
    this.#options.bars.enqueue(writes);
    this.#backfilled += taken.length;
    return taken.length;
  }

  #closeTouched(books: ReadonlyMap<string, CandleBook>): void {
    for (const [symbol, book] of books) {
      this.#close(symbol, book, book.lastDataTime - this.#graceMs);
    }
  }

  /** Closes and persists what ends before `time` in one book, if anything. */
  #close(symbol: string, book: CandleBook, time: number): void {
    if (!book.hasDue(time)) return;
    this.#options.bars.persist(
      symbol,
      book.closeBefore(time),
      book.closedThrough,
    );
  }
}
