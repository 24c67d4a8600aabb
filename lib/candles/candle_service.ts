/**
 * The candle stage of the service: ingestion's ticks and trades go in, bars
 * come out — kept in memory per symbol ({@linkcode CandleBook}), written to
 * the {@linkcode CandleStore} as they close, trimmed to each resolution's
 * horizon, and answered with the outages that overlap them. Memory keeps
 * the newest part of each horizon (its memory window: all of it unless a
 * whole market's books would not fit the budget); a request reaching
 * further back reads the older bars from the store.
 *
 * Bars close on exchange time: once data 250 ms past a second's end has
 * arrived (the ticker and trade streams are not ordered against each
 * other), or, when nothing arrives, 2 s after it by the local clock.
 * Opening the service loads the stored bars, closes what the last run left
 * open, and records the time it was not running as an outage.
 *
 * On a shared stream engine only the leader builds bars (the `source`
 * role); every other instance is a `mirror`: it loads the same store and
 * takes the bars the leader stored and its bars in progress as they come
 * (its {@linkcode CandleMirror}), so it answers with the same candles and
 * writes nothing. `lead()` and `follow()` switch roles when the lease moves.
 */
import { type Clock, systemClock } from "../clock/clock.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import type {
  Candle,
  CandleInterval,
  CandlesResponse,
  Outage,
} from "../protocol/candles.ts";
import { CandleBook, type SeriesCapacities } from "./candle_book.ts";
import { CandleBuilding } from "./candle_building.ts";
import { INTERVAL_MS, STORED_RESOLUTIONS } from "./candle_intervals.ts";
import {
  type CandleHorizons,
  capacitiesFor,
  loadBook,
  loadOlderBars,
  loadRange,
} from "./candle_load.ts";
import { CandleMirror } from "./candle_mirror.ts";
import type { CandleStore, DeleteResult, StoredBar } from "./candle_store.ts";
import type { CandleWriterStats } from "./candle_writer.ts";
import { DurableBars } from "./durable_bars.ts";
import { inLanes } from "./in_lanes.ts";
import { LEADER_CHANGE, OutageLog, SERVICE_DOWN } from "./outage_log.ts";

/** Books loaded from the store at once when the service opens. */
const LOADS_AT_ONCE = 4;

/** The part of an analysed tick bars are built from. */
export interface CandleTick {
  readonly symbol: string;
  readonly price: number;
  /** 24 h turnover, USDT. */
  readonly volume: number;
  /** Exchange time, epoch ms. */
  readonly upstream_ts: number;
}

/** Whether this instance builds bars or mirrors the leader's. */
export type CandleRole = "source" | "mirror";

/** Options of {@linkcode CandleService.open}. */
export interface CandleServiceOptions {
  /** Channel ids bars are built for. */
  readonly symbols: readonly string[];
  readonly store: CandleStore;
  /** How long each stored resolution is kept, ms. */
  readonly horizonsMs: CandleHorizons;
  /**
   * How much of each horizon stays in memory with books for `symbols`
   * symbols, ms (`memoryWindows`); older bars are read from the store when
   * asked for. Default the horizons whatever the count.
   */
  readonly windowsFor?: (symbols: number) => CandleHorizons;
  /** Build bars (`source`, the default) or mirror the leader's (`mirror`). */
  readonly role?: CandleRole;
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
  /**
   * Called once the older part of every book's window is read (see
   * `firstWindows`): how many books, how long it took, and the books whose
   * read failed (their older bars are then read from the store as asked
   * for) with the last error.
   */
  readonly onLoaded?: (loaded: OlderBarsLoaded) => void;
  /**
   * Called with the bars and outages this instance stored, once they are
   * durable (a leader tells its followers).
   */
  readonly onStored?: (stored: {
    readonly bars?: readonly StoredBar[];
    readonly outage?: Outage;
  }) => void;
}

/** What the background read of the books' older bars did. */
export interface OlderBarsLoaded {
  readonly books: number;
  readonly ms: number;
  readonly failures: number;
  readonly lastError?: unknown;
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
  /** Books whose older bars are still being read (see `firstWindows`). */
  readonly booksLoading: number;
}

/** Bars of every tracked symbol. */
export class CandleService {
  readonly outages: OutageLog;
  /** Takes the leader's bars while this instance mirrors them. */
  readonly mirror: CandleMirror;
  #options: CandleServiceOptions;
  #role: CandleRole;
  #books: Map<string, CandleBook>;
  #bars: DurableBars;
  #store: CandleStore;
  #clock: Clock;
  #horizons: CandleHorizons;
  #building: CandleBuilding;
  /** The background read of the books' older bars, while it runs. */
  #older: Promise<void> | undefined;
  #booksLoading = 0;
  #stopping = false;

  private constructor(
    options: CandleServiceOptions,
    books: Map<string, CandleBook>,
    outages: OutageLog,
  ) {
    this.#options = options;
    this.#role = options.role ?? "source";
    this.#books = books;
    this.outages = outages;
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#horizons = options.horizonsMs;
    this.#bars = new DurableBars({
      store: options.store,
      clock: this.#clock,
      onError: options.onError,
      onWritten: options.onStored &&
        ((bars) => options.onStored!({ bars })),
    });
    this.mirror = new CandleMirror({
      books,
      bars: this.#bars,
      store: options.store,
      windowsMs: () => this.#windows(books.size),
      clock: this.#clock,
    });
    this.mirror.active = this.#role === "mirror";
    this.#building = new CandleBuilding({
      books,
      bars: this.#bars,
      clock: this.#clock,
      graceMs: options.graceMs,
      silenceMs: options.silenceMs,
    });
  }

  /**
   * Loads the stored bars within each memory window and the outage log; a
   * source then records the downtime since the last stored bar and closes
   * what the last run left open. Resolves once the newest part of each
   * window is read (`firstWindows`); the rest is read in the background
   * (`onLoaded`, `booksLoading`). Throws a `RangeError` for a bad horizon.
   */
  static async open(options: CandleServiceOptions): Promise<CandleService> {
    const clock = options.clock ?? systemClock;
    const now = clock.now();
    let lastBarEnd = -Infinity;
    const windows = options.windowsFor?.(options.symbols.length) ??
      options.horizonsMs;
    // A few books load at once: each read mostly waits on the store.
    const loaded: CandleBook[] = [];
    await inLanes(options.symbols, LOADS_AT_ONCE, async (symbol, index) => {
      const { book, end } = await loadBook(options.store, symbol, windows, now);
      if (end !== undefined) lastBarEnd = Math.max(lastBarEnd, end);
      loaded[index] = book;
    });
    const books = new Map(
      options.symbols.map((symbol, i) => [symbol, loaded[i]]),
    );
    const longest = Math.max(
      ...STORED_RESOLUTIONS.map((r) => options.horizonsMs[r]),
    );
    const source = (options.role ?? "source") === "source";
    const outages = await OutageLog.open({
      store: options.store,
      since: now - longest,
      onError: options.onError,
      onWritten: options.onStored &&
        ((outage) => options.onStored!({ outage })),
      writable: source,
    });
    const service = new CandleService(options, books, outages);
    service.#loadOlder(now);
    if (source) {
      outages.recordDowntime(
        lastBarEnd,
        now,
        SERVICE_DOWN,
        options.minDowntimeMs,
      );
      service.closeDue();
    }
    return service;
  }

  /**
   * Reads the older part of every book's window, a few books at once; each
   * book with the windows of when its turn comes (the symbols listed after
   * the open narrow them).
   */
  #loadOlder(now: number) {
    const symbols = [...this.#books.keys()];
    const started = this.#clock.now();
    let failures = 0;
    let lastError: unknown;
    this.#booksLoading = symbols.length;
    this.#older = inLanes(symbols, LOADS_AT_ONCE, async (symbol) => {
      // A book delisted meanwhile is no longer read.
      const book = this.#books.get(symbol);
      try {
        if (book) {
          const windows = this.#windows(this.#books.size);
          await loadOlderBars(this.#store, symbol, book, windows, now);
        }
      } catch (error) {
        failures++;
        lastError = error;
      }
      this.#booksLoading--;
    }, () => this.#stopping).then(() => {
      this.#older = undefined;
      if (this.#stopping) return;
      this.#options.onLoaded?.({
        books: symbols.length,
        ms: this.#clock.now() - started,
        failures,
        ...(failures > 0 && { lastError }),
      });
    });
  }

  /**
   * Resolves once every book holds its whole memory window (or the read
   * stopped): what tells missing bars from bars not read yet (a backfill).
   */
  get loaded(): Promise<void> {
    return this.#older ?? Promise.resolve();
  }

  /** Whether this instance builds bars or mirrors the leader's. */
  get role(): CandleRole {
    return this.#role;
  }

  /**
   * Starts building bars from this instance's own ticks and trades (it
   * leads now): the bars the last leader had in progress are lost, the
   * time without data since its last is recorded as an outage, and the
   * minutes and hours it left open close from the stored bars.
   */
  lead(): void {
    if (this.#role === "source") return;
    this.#role = "source";
    this.mirror.active = false;
    const now = this.#clock.now();
    let lastData = -Infinity;
    for (const book of this.#books.values()) {
      lastData = Math.max(lastData, Math.min(now, book.lastDataTime));
      book.promote();
    }
    this.outages.writable = true;
    this.outages.recordDowntime(
      lastData,
      now,
      LEADER_CHANGE,
      this.#options.minDowntimeMs,
    );
    this.closeDue();
  }

  /**
   * Stops building bars (another instance leads): what waits to be written
   * is dropped (those writes would be fenced), the bars in progress are the
   * leader's from now on, and the books are read again from the store,
   * which holds what the leader stored while this instance still thought
   * it led. Resolves when they are.
   */
  async follow(): Promise<void> {
    if (this.#role === "mirror") return;
    this.#role = "mirror";
    this.mirror.active = true;
    this.#bars.abandon();
    this.outages.writable = false;
    for (const book of this.#books.values()) {
      const { watermark, closedThrough } = book.openState();
      book.mirrorOpen({ bars: [], watermark, closedThrough });
    }
    await this.mirror.reload();
  }

  /** Channel ids served. */
  get symbols(): string[] {
    return [...this.#books.keys()];
  }

  /**
   * Builds bars for `symbols` too (new listings): each book starts empty,
   * its older bars (if any) in the store. Every book then takes the memory
   * windows for the new count, the ones held before included, so the books
   * together stay within the budget however the symbols arrived.
   */
  track(symbols: readonly string[]): void {
    const added = symbols.filter((symbol) => !this.#books.has(symbol));
    if (added.length === 0) return;
    const capacities = this.#rewindow(this.#books.size + added.length);
    const now = this.#clock.now();
    for (const symbol of added) {
      const book = new CandleBook({ capacities });
      for (const series of Object.values(book.series)) series.loadedFrom(now);
      this.#books.set(symbol, book);
    }
  }

  /**
   * Stops building bars for `symbols` (delistings); stored bars stay. The
   * books left take the memory windows for the new count.
   */
  untrack(symbols: readonly string[]): void {
    const before = this.#books.size;
    for (const symbol of symbols) this.#books.delete(symbol);
    if (this.#books.size < before) this.#rewindow(this.#books.size);
  }

  /** Gives every book held the capacities for `symbols` books; returns them. */
  #rewindow(symbols: number): SeriesCapacities {
    const capacities = capacitiesFor(this.#windows(symbols));
    for (const book of this.#books.values()) book.setCapacities(capacities);
    return capacities;
  }

  #windows(symbols: number): CandleHorizons {
    return this.#options.windowsFor?.(symbols) ?? this.#horizons;
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
    return this.#bars.durableThrough(symbol);
  }

  /** Feeds ticker snapshots; bars that this data completes close. */
  observeTicks(ticks: readonly CandleTick[]): void {
    if (this.#role === "source") this.#building.observeTicks(ticks);
  }

  /** Feeds public trades; late ones amend their second while they can. */
  observeTrades(trades: readonly MarketTrade[]): void {
    if (this.#role === "source") this.#building.observeTrades(trades);
  }

  /** Closes bars whose time has passed without data (call it often). */
  closeDue(): void {
    if (this.#role === "source") this.#building.closeDue();
  }

  /**
   * Takes bars fetched from the exchange where `symbol` has none, writes
   * them, and aggregates again the hours they complete. Returns how many
   * were taken (none on a mirror).
   */
  merge(
    symbol: string,
    resolution: "1m" | "1h",
    bars: readonly Candle[],
  ): number {
    if (this.#role !== "source") return 0;
    return this.#building.merge(symbol, resolution, bars);
  }

  /**
   * The newest `limit` bars of a query, with the outages they overlap: from
   * memory, and from the store for what lies before the memory window
   * (within the horizon).
   */
  async candles(query: CandleQuery): Promise<CandlesResponse> {
    const book = this.#books.get(query.symbol);
    let answer = book?.query(query) ?? [];
    const span = book?.olderSpan(query, answer);
    if (book === undefined || span === undefined) {
      return this.#respond(query, answer);
    }
    // Read back span by span, each twice as long as the bars still missing
    // would cover, until the answer is whole or the horizon is reached (a
    // gap in the data takes a few more reads, never a scan of the horizon).
    const bottom = Math.max(
      span.floor,
      this.#clock.now() - this.#horizons[span.resolution],
    );
    const ms = INTERVAL_MS[query.interval];
    let older: Candle[] = [];
    let { from, to } = span;
    for (let widen = 1;; widen *= 2) {
      from = Math.max(from, bottom);
      if (from < to) {
        const bars = await loadRange(
          this.#store,
          query.symbol,
          span.resolution,
          from,
          to - 1,
        );
        older = bars.concat(older);
        answer = book.query(query, older);
      }
      if (answer.length >= query.limit || from <= bottom) break;
      to = from;
      from = to - (query.limit - answer.length) * ms * widen;
    }
    return this.#respond(query, answer);
  }

  /**
   * The newest `limit` bars of a query from memory alone, synchronously
   * (a server-rendered first paint, whose window memory always keeps).
   */
  recent(query: CandleQuery): CandlesResponse {
    return this.#respond(
      query,
      this.#books.get(query.symbol)?.query(query) ?? [],
    );
  }

  #respond(query: CandleQuery, candles: Candle[]): CandlesResponse {
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
   * One retention run: drops bars past each horizon from memory and — on a
   * source — deletes at most `maxDeletes` from the store (and outages past
   * the longest).
   */
  async prune(maxDeletes: number): Promise<DeleteResult> {
    const now = this.#clock.now();
    let deleted = 0;
    let more = false;
    for (const [symbol, book] of this.#books) {
      for (const resolution of STORED_RESOLUTIONS) {
        const before = now - this.#horizons[resolution];
        book.series[resolution].dropBefore(before);
        if (this.#role !== "source") continue;
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
      writer: this.#bars.stats(),
      lateAmended,
      lateDropped,
      backfilled: this.#building.backfilled,
      booksLoading: this.#booksLoading,
    };
  }

  /** Resolves once every bar closed so far is written (or failed). */
  async flushed(): Promise<void> {
    await this.#bars.drained();
    await this.outages.flushed();
  }

  /**
   * Stops reading older bars (once the reads in flight end), writes what
   * is queued and stops writing.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#older;
    await this.#bars.stop();
    await this.outages.flushed();
  }
}
