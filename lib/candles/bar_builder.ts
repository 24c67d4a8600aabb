/**
 * Builds 1 s bars of one symbol from what ingestion delivers: ticker
 * snapshots (last price, 24 h turnover) and public trades. Pure: events go in
 * with their exchange times, closed bars come out; nothing here reads a
 * clock.
 *
 * - Prices from ticks and trades make the open, high, low and close; a bar's
 *   open and close are the prices with the earliest and latest exchange time
 *   seen, so trades that arrive out of order within a bar still land right.
 * - Volume and turnover come from public trades while they stream (a trade
 *   within `tradeStreamMs`); otherwise from the growth of the 24 h turnover
 *   between consecutive ticks (volume = that growth / price), and the bar is
 *   marked `turnover` (an estimate: the 24 h sum also loses what traded a
 *   day ago).
 * - A bar stays open until data `graceMs` past its end has arrived (or the
 *   caller closes it on silence), because the exchange's ticker and trade
 *   streams are not ordered against each other: a trade just before a second
 *   boundary often arrives after the first ticker of the next second.
 * - Data older than everything closed is late: the caller decides what to do
 *   with it (see `candle_book.ts`).
 */
import type { Candle } from "../protocol/candles.ts";

/** Options of {@linkcode BarBuilder}. */
export interface BarBuilderOptions {
  /** Trades count as streaming this long after the last one, ms. Default 60 000. */
  readonly tradeStreamMs?: number;
  /**
   * Bars ending at or before this time are already closed (after a
   * restart): data before it is late. Default: none.
   */
  readonly closedThrough?: number;
}

/**
 * The part of a builder that is not closed yet: its open bars (oldest
 * first), the latest exchange time seen, and where closed bars end. A
 * follower's book holds the leader's, so it answers with the same bar in
 * progress (`candle_book.ts`).
 */
export interface OpenState {
  readonly bars: readonly Candle[];
  /** Latest exchange time seen (-Infinity before any). */
  readonly watermark: number;
  /** End of the newest closed bar (-Infinity before any). */
  readonly closedThrough: number;
}

/** Length of the bars built here, ms. */
export const BUILD_MS = 1_000;

/** What became of one event. */
export type Observed = "open" | "late" | "ignored";

interface OpenBar {
  readonly t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  /** Exchange times of the prices taken as open and close. */
  oTs: number;
  cTs: number;
  v: number;
  turnover: number;
  /** Part of the volume was estimated from turnover growth. */
  estimated: boolean;
}

/** Open 1 s bars of one symbol. */
export class BarBuilder {
  #open: OpenBar[] = [];
  #closedThrough: number;
  #watermark = -Infinity;
  #tradeStreamMs: number;
  #lastTradeAt = -Infinity;
  #lastTurnover: { value: number; ts: number } | undefined;

  /** Throws a `RangeError` naming the option for a bad value. */
  constructor(options: BarBuilderOptions = {}) {
    this.#tradeStreamMs = options.tradeStreamMs ?? 60_000;
    if (!(this.#tradeStreamMs > 0)) {
      throw new RangeError(
        `tradeStreamMs must be a positive number, got ${this.#tradeStreamMs}`,
      );
    }
    this.#closedThrough = options.closedThrough ?? -Infinity;
  }

  /**
   * A builder that holds `state` — another instance's open bars — for reads:
   * a follower answers with the leader's bar in progress.
   */
  static mirror(state: OpenState, options: BarBuilderOptions = {}): BarBuilder {
    const builder = new BarBuilder({
      ...options,
      closedThrough: state.closedThrough,
    });
    builder.#watermark = state.watermark;
    builder.#open = state.bars.map((bar) => ({
      t: bar.t,
      o: bar.o,
      h: bar.h,
      l: bar.l,
      c: bar.c,
      oTs: bar.t,
      cTs: bar.t,
      v: bar.v,
      turnover: bar.turnover,
      estimated: bar.volume_source === "turnover",
    }));
    return builder;
  }

  /** What is not closed yet (see {@linkcode OpenState}). */
  openState(): OpenState {
    return {
      bars: this.openBars(),
      watermark: this.#watermark,
      closedThrough: this.#closedThrough,
    };
  }

  /** Latest exchange time seen. */
  get watermark(): number {
    return this.#watermark;
  }

  /** End of the newest closed bar: earlier data is late. */
  get closedThrough(): number {
    return this.#closedThrough;
  }

  /** Whether trades are streaming at exchange time `ts`. */
  tradesStreaming(ts: number): boolean {
    return ts - this.#lastTradeAt <= this.#tradeStreamMs;
  }

  /**
   * A ticker snapshot: last `price` and 24 h `turnover` (USDT) at exchange
   * time `ts`. Non-finite or non-positive input is ignored.
   */
  observeTick(ts: number, price: number, turnover: number): Observed {
    if (!valid(ts) || !(price > 0) || !Number.isFinite(price)) {
      return "ignored";
    }
    if (ts < this.#closedThrough) return "late";
    const bar = this.#barAt(ts, price);
    this.#price(bar, ts, price);
    const previous = this.#lastTurnover;
    if (Number.isFinite(turnover) && turnover >= 0) {
      if (previous === undefined || ts >= previous.ts) {
        this.#lastTurnover = { value: turnover, ts };
      }
    }
    if (!this.tradesStreaming(ts)) {
      bar.estimated = true;
      if (
        previous !== undefined && ts > previous.ts &&
        ts - previous.ts <= this.#tradeStreamMs && turnover > previous.value
      ) {
        const grown = turnover - previous.value;
        bar.turnover += grown;
        bar.v += grown / price;
      }
    }
    return "open";
  }

  /**
   * One public trade at exchange time `ts`. Returns `late` (nothing changed)
   * when its bar is already closed.
   */
  observeTrade(
    ts: number,
    price: number,
    size: number,
    notional: number,
  ): Observed {
    if (
      !valid(ts) || !(price > 0) || !Number.isFinite(price) || !(size >= 0) ||
      !Number.isFinite(size) || !Number.isFinite(notional)
    ) return "ignored";
    if (ts > this.#lastTradeAt) this.#lastTradeAt = ts;
    if (ts < this.#closedThrough) return "late";
    const bar = this.#barAt(ts, price);
    this.#price(bar, ts, price);
    bar.v += size;
    bar.turnover += notional;
    return "open";
  }

  /** The open bars, oldest first (more than one only within the grace). */
  openBars(): Candle[] {
    return this.#open.map(toCandle);
  }

  /**
   * Closes every open bar that ends at or before `time`; returns them,
   * oldest first. Data for them that arrives later is late.
   */
  closeBefore(time: number): Candle[] {
    const closed: Candle[] = [];
    while (this.#open.length > 0 && this.#open[0].t + BUILD_MS <= time) {
      closed.push(toCandle(this.#open.shift()!));
    }
    const through = Math.floor(time / BUILD_MS) * BUILD_MS;
    if (through > this.#closedThrough) this.#closedThrough = through;
    return closed;
  }

  #barAt(ts: number, price: number): OpenBar {
    if (ts > this.#watermark) this.#watermark = ts;
    const t = Math.floor(ts / BUILD_MS) * BUILD_MS;
    let index = this.#open.length;
    while (index > 0 && this.#open[index - 1].t > t) index--;
    const found = this.#open[index - 1];
    if (found?.t === t) return found;
    const bar: OpenBar = {
      t,
      o: price,
      h: price,
      l: price,
      c: price,
      oTs: ts,
      cTs: ts,
      v: 0,
      turnover: 0,
      estimated: false,
    };
    this.#open.splice(index, 0, bar);
    return bar;
  }

  #price(bar: OpenBar, ts: number, price: number): void {
    if (price > bar.h) bar.h = price;
    if (price < bar.l) bar.l = price;
    if (ts < bar.oTs) {
      bar.oTs = ts;
      bar.o = price;
    }
    if (ts >= bar.cTs) {
      bar.cTs = ts;
      bar.c = price;
    }
  }
}

function valid(ts: number): boolean {
  return Number.isFinite(ts) && ts >= 0;
}

function toCandle(bar: OpenBar): Candle {
  return {
    t: bar.t,
    o: bar.o,
    h: bar.h,
    l: bar.l,
    c: bar.c,
    v: bar.v,
    turnover: bar.turnover,
    volume_source: bar.estimated ? "turnover" : "trades",
  };
}
