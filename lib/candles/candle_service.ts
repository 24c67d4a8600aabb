/**
 * The candle stage of the service: ingestion's ticks and trades go in, bars
 * come out — kept in memory per symbol ({@linkcode CandleBook}), written to
 * the {@linkcode CandleStore} as they close, trimmed to each resolution's
 * horizon, and answered synchronously with the outages that overlap them.
 *
 * Bars close on exchange time: once data 250 ms past a second's end has
 * arrived (the ticker and trade streams are not ordered against each
 * other), or, when nothing arrives, 2 s after it by the local clock.
 * Opening the service loads the stored bars, closes what the last run left
 * open, and records the time it was not running as an outage.
 */
import { type Clock, systemClock } from "../clock/clock.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import type {
  Candle,
  CandleInterval,
  CandlesResponse,
} from "../protocol/candles.ts";
import { CandleBook, type ClosedBars } from "./candle_book.ts";
import {
  INTERVAL_MS,
  STORED_RESOLUTIONS,
  type StoredResolution,
} from "./candle_intervals.ts";
import type { CandleStore, DeleteResult, StoredBar } from "./candle_store.ts";
import { CandleWriter, type CandleWriterStats } from "./candle_writer.ts";
import { OutageLog, SERVICE_DOWN } from "./outage_log.ts";

/** The part of an analysed tick bars are built from. */
export interface CandleTick {
  readonly symbol: string;
  readonly price: number;
  /** 24 h turnover, USDT. */
  readonly volume: number;
  /** Exchange time, epoch ms. */
  readonly upstream_ts: number;
}

/** Options of {@linkcode CandleService.open}. */
export interface CandleServiceOptions {
  /** Channel ids bars are built for. */
  readonly symbols: readonly string[];
  readonly store: CandleStore;
  /** How long each stored resolution is kept, ms. */
  readonly horizonsMs: Readonly<Record<StoredResolution, number>>;
  /** Time and timers. Default the system clock. */
  readonly clock?: Clock;
  /** Later data this far past a bar's end closes it, ms. Default 250. */
  readonly graceMs?: number;
  /** Without data, a bar closes this long after its end, ms. Default 2 000. */
  readonly silenceMs?: number;
  /**
   * A gap shorter than this between the last stored bar and the start is not
   * an outage (it is the bar that was in progress), ms. Default 1 000.
   */
  readonly minDowntimeMs?: number;
  /** Called when a write fails (it is retried). */
  readonly onError?: (error: unknown) => void;
}

/** A range request for one symbol (already resolved). */
export interface CandleQuery {
  readonly symbol: string;
  readonly interval: CandleInterval;
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
}

/** Counters for `/api/metrics`. */
export interface CandleStats {
  readonly writer: CandleWriterStats;
  /** Late trades amended into a closed second, and dropped. */
  readonly lateAmended: number;
  readonly lateDropped: number;
  /** Bars backfilled since start. */
  readonly backfilled: number;
}

/** Bars of every tracked symbol. */
export class CandleService {
  readonly outages: OutageLog;
  #books: Map<string, CandleBook>;
  #writer: CandleWriter;
  #store: CandleStore;
  #clock: Clock;
  #horizons: Readonly<Record<StoredResolution, number>>;
  #graceMs: number;
  #silenceMs: number;
  #backfilled = 0;
  /** Per symbol: writes in flight, as (ticket, closed-through) pairs. */
  #inFlight = new Map<string, { ticket: number; through: number }[]>();
  #durable = new Map<string, number>();

  private constructor(
    options: CandleServiceOptions,
    books: Map<string, CandleBook>,
    outages: OutageLog,
  ) {
    this.#books = books;
    this.outages = outages;
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#horizons = options.horizonsMs;
    this.#graceMs = options.graceMs ?? 250;
    this.#silenceMs = options.silenceMs ?? 2_000;
    this.#writer = new CandleWriter({
      store: options.store,
      clock: this.#clock,
      onError: options.onError,
    });
  }

  /**
   * Loads the stored bars within each horizon and the outage log, records
   * the downtime since the last stored bar, and closes what the last run
   * left open. Throws a `RangeError` for a bad horizon.
   */
  static async open(options: CandleServiceOptions): Promise<CandleService> {
    const clock = options.clock ?? systemClock;
    const now = clock.now();
    const capacities = Object.fromEntries(
      STORED_RESOLUTIONS.map((r) => {
        const horizon = options.horizonsMs[r];
        if (!(horizon >= INTERVAL_MS[r])) {
          throw new RangeError(
            `horizonsMs.${r} must be at least ${
              INTERVAL_MS[r]
            }, got ${horizon}`,
          );
        }
        return [r, Math.ceil(horizon / INTERVAL_MS[r]) + 1];
      }),
    ) as Record<StoredResolution, number>;
    const books = new Map<string, CandleBook>();
    let lastBarEnd = -Infinity;
    for (const symbol of options.symbols) {
      const book = new CandleBook({ capacities });
      let end: number | undefined;
      for (const resolution of STORED_RESOLUTIONS) {
        const bars: Candle[] = [];
        const from = now - options.horizonsMs[resolution];
        for await (const bar of options.store.load(symbol, resolution, from)) {
          if (bar.t <= now) bars.push(bar);
        }
        book.restore(resolution, bars);
        // The finest resolution says best when data stopped: a minute
        // sealed from half its seconds still ends on the minute.
        const last = bars[bars.length - 1];
        end ??= last && Math.min(now, last.t + INTERVAL_MS[resolution]);
      }
      if (end !== undefined) lastBarEnd = Math.max(lastBarEnd, end);
      books.set(symbol, book);
    }
    const longest = Math.max(
      ...STORED_RESOLUTIONS.map((r) => options.horizonsMs[r]),
    );
    const outages = await OutageLog.open({
      store: options.store,
      since: now - longest,
      onError: options.onError,
    });
    if (Number.isFinite(lastBarEnd)) {
      const open = outages.current;
      if (open) outages.end(Math.max(open.from, lastBarEnd));
      const since = Math.max(lastBarEnd, outages.lastEnd);
      if (now - since >= (options.minDowntimeMs ?? 1_000)) {
        outages.record(since, now, SERVICE_DOWN);
      }
    }
    const service = new CandleService(options, books, outages);
    service.closeDue();
    return service;
  }

  /** Channel ids served. */
  get symbols(): string[] {
    return [...this.#books.keys()];
  }

  /** The bars of `symbol`, if tracked. */
  book(symbol: string): CandleBook | undefined {
    return this.#books.get(symbol);
  }

  /**
   * Every bar of `symbol` that ends at or before this time is closed and
   * stored: its final frame may go out (-Infinity before any).
   */
  durableThrough(symbol: string): number {
    const pending = this.#inFlight.get(symbol);
    const settled = this.#writer.settled;
    let durable = this.#durable.get(symbol) ?? -Infinity;
    while (pending && pending.length > 0 && pending[0].ticket <= settled) {
      durable = Math.max(durable, pending.shift()!.through);
    }
    this.#durable.set(symbol, durable);
    return durable;
  }

  /** Feeds ticker snapshots; bars that this data completes close. */
  observeTicks(ticks: readonly CandleTick[]): void {
    const touched = new Set<CandleBook>();
    for (const tick of ticks) {
      const book = this.#books.get(tick.symbol);
      if (!book) continue;
      book.observeTick(tick.upstream_ts, tick.price, tick.volume);
      touched.add(book);
    }
    this.#closeTouched(touched);
  }

  /** Feeds public trades; late ones amend their second while they can. */
  observeTrades(trades: readonly MarketTrade[]): void {
    const touched = new Set<CandleBook>();
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
      touched.add(book);
    }
    this.#writer.enqueue(amended);
    this.#closeTouched(touched);
  }

  /** Closes bars whose time has passed without data (call it often). */
  closeDue(): void {
    const before = this.#clock.now() - this.#silenceMs;
    for (const [symbol, book] of this.#books) {
      this.#persist(symbol, book, book.closeBefore(before));
    }
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
    this.#writer.enqueue(writes);
    this.#backfilled += taken.length;
    return taken.length;
  }

  /** The newest `limit` bars of a query, with the outages they overlap. */
  candles(query: CandleQuery): CandlesResponse {
    const book = this.#books.get(query.symbol);
    const candles = book?.query(query) ?? [];
    const ms = INTERVAL_MS[query.interval];
    const to = query.to ?? this.#clock.now() + ms;
    const from = candles[0]?.t ?? query.from ?? to - query.limit * ms;
    return {
      symbol: query.symbol,
      interval: query.interval,
      candles,
      outages: this.outages.list(from, to),
    };
  }

  /**
   * One retention run: drops bars past each horizon from memory and deletes
   * at most `maxDeletes` from the store (and outages past the longest).
   */
  async prune(maxDeletes: number): Promise<DeleteResult> {
    const now = this.#clock.now();
    let deleted = 0;
    let more = false;
    for (const [symbol, book] of this.#books) {
      for (const resolution of STORED_RESOLUTIONS) {
        const before = now - this.#horizons[resolution];
        book.series[resolution].dropBefore(before);
        if (deleted >= maxDeletes) {
          more = true;
          continue;
        }
        const result = await this.#store.deleteBefore(
          symbol,
          resolution,
          before,
          maxDeletes - deleted,
        );
        deleted += result.deleted;
        more ||= result.more;
      }
    }
    const longest = Math.max(...Object.values(this.#horizons));
    deleted += await this.outages.prune(now - longest);
    return { deleted, more };
  }

  /** Counters since start. */
  stats(): CandleStats {
    let lateAmended = 0;
    let lateDropped = 0;
    for (const book of this.#books.values()) {
      lateAmended += book.late.amended;
      lateDropped += book.late.dropped;
    }
    return {
      writer: this.#writer.stats(),
      lateAmended,
      lateDropped,
      backfilled: this.#backfilled,
    };
  }

  /** Resolves once every bar closed so far is written (or failed). */
  async flushed(): Promise<void> {
    await this.#writer.drained();
    await this.outages.flushed();
  }

  /** Writes what is queued and stops writing. */
  async stop(): Promise<void> {
    await this.#writer.stop();
    await this.outages.flushed();
  }

  #closeTouched(books: ReadonlySet<CandleBook>): void {
    for (const [symbol, book] of this.#books) {
      if (!books.has(book)) continue;
      this.#persist(
        symbol,
        book,
        book.closeBefore(book.lastDataTime - this.#graceMs),
      );
    }
  }

  #persist(symbol: string, book: CandleBook, closed: ClosedBars): void {
    const writes: StoredBar[] = [];
    for (const resolution of STORED_RESOLUTIONS) {
      for (const candle of closed[resolution]) {
        writes.push({ symbol, resolution, candle });
      }
    }
    const ticket = this.#writer.enqueue(writes);
    let pending = this.#inFlight.get(symbol);
    if (!pending) this.#inFlight.set(symbol, pending = []);
    const last = pending[pending.length - 1];
    if (last?.ticket === ticket) last.through = book.closedThrough;
    else pending.push({ ticket, through: book.closedThrough });
  }
}
