/**
 * The push cycle of the derived frames: every 250 ms it closes the bars
 * whose time has passed, then sends, for each (symbol, interval) some socket
 * asked for, the bars that closed and were stored since the last cycle
 * (`closed: true`, once each: stored first, pushed second, as alerts are)
 * and the bar in progress if it changed — so a socket gets an open bar
 * at most four times a second per symbol and interval, however fast ticks
 * come. Trades collected since the last cycle go out as one frame per
 * symbol. Nothing is computed for what nobody asked for.
 */
import { INTERVAL_MS } from "../candles/candle_intervals.ts";
import type { CandleService } from "../candles/candle_service.ts";
import { type Clock, systemClock, type TimerId } from "../clock/clock.ts";
import type {
  Candle,
  CandleFrame,
  CandleInterval,
} from "../protocol/candles.ts";
import type { StreamHub } from "../hub/stream_hub.ts";
import type { TradeTape } from "../tape/trade_tape.ts";
import type { TapeTrade } from "../protocol/trades.ts";

/** Options of {@linkcode LiveFeed}. */
export interface LiveFeedOptions {
  readonly hub: Pick<
    StreamHub,
    "candleDemand" | "wantsTrades" | "publishCandle" | "publishTrades"
  >;
  readonly candles: CandleService;
  readonly tape: TradeTape;
  /** Time and timers. Default the system clock. */
  readonly clock?: Clock;
  /** Pause between push cycles, ms. Default 250. */
  readonly intervalMs?: number;
  /**
   * Called each cycle once due bars are closed, with the trades the tape
   * took since the last one (a leader publishes them for its followers).
   */
  readonly onCycle?: (
    trades: ReadonlyMap<string, readonly TapeTrade[]>,
  ) => void;
}

/** The final frames sent for one (symbol, interval). */
interface Sent {
  /** Start of the newest bar sent closed (or known closed before). */
  lastClosed: number;
}

/** Most closed bars sent for one key in one cycle (after a stall). */
const MAX_CLOSED_PER_CYCLE = 10;

/** Runs the push cycle until stopped. */
export class LiveFeed {
  #options: LiveFeedOptions;
  #clock: Clock;
  #intervalMs: number;
  #sent = new Map<string, Sent>();
  #lastOpen = new Map<string, Candle>();
  #timer: TimerId | undefined;
  #stopped = false;

  /** Throws a `RangeError` for a bad interval. */
  constructor(options: LiveFeedOptions) {
    this.#intervalMs = options.intervalMs ?? 250;
    if (!(this.#intervalMs > 0)) {
      throw new RangeError(
        `intervalMs must be a positive number, got ${this.#intervalMs}`,
      );
    }
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Starts the cycle. */
  start(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    const loop = () => {
      this.cycle();
      if (!this.#stopped) {
        this.#timer = this.#clock.setTimer(loop, this.#intervalMs);
      }
    };
    this.#timer = this.#clock.setTimer(loop, this.#intervalMs);
  }

  /** Stops the cycle. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  /** One push cycle (exposed for tests). */
  cycle(): void {
    const { hub, candles, tape } = this.#options;
    candles.closeDue();
    const trades = tape.takePending();
    this.#options.onCycle?.(trades);
    const seen = new Set<string>();
    for (const [symbol, interval] of hub.candleDemand()) {
      const key = `${symbol}|${interval}`;
      seen.add(key);
      const book = candles.book(symbol);
      if (!book) continue;
      const ms = INTERVAL_MS[interval];
      // A bar's final frame goes out once it is stored, never before.
      const closedEnd = Math.floor(candles.durableThrough(symbol) / ms) * ms;
      let sent = this.#sent.get(key);
      if (!sent && Number.isFinite(closedEnd)) {
        // Bars closed before anyone asked are the API's, not the stream's.
        this.#sent.set(key, sent = { lastClosed: closedEnd - ms });
      }
      if (sent && closedEnd - ms > sent.lastClosed) {
        const bars = book.query({
          interval,
          from: sent.lastClosed + ms,
          to: closedEnd,
          limit: MAX_CLOSED_PER_CYCLE,
        });
        for (const bar of bars) {
          hub.publishCandle(frame(symbol, interval, bar, true));
        }
        sent.lastClosed = closedEnd - ms;
      }
      const open = book.openBar(interval);
      if (
        open && open.t + ms > book.closedThrough &&
        !same(open, this.#lastOpen.get(key))
      ) {
        hub.publishCandle(frame(symbol, interval, open, false));
        this.#lastOpen.set(key, open);
      }
    }
    for (const key of this.#sent.keys()) {
      if (!seen.has(key)) this.#sent.delete(key);
    }
    for (const key of this.#lastOpen.keys()) {
      if (!seen.has(key)) this.#lastOpen.delete(key);
    }
    for (const [symbol, taken] of trades) {
      if (hub.wantsTrades(symbol)) {
        hub.publishTrades({ type: "trades", symbol, trades: taken });
      }
    }
  }
}

function frame(
  symbol: string,
  interval: CandleInterval,
  bar: Candle,
  closed: boolean,
): CandleFrame {
  // The frame carries the bar but its turnover and volume source.
  const { turnover: _turnover, volume_source: _source, ...ohlcv } = bar;
  return { type: "candle", symbol, interval, ...ohlcv, closed };
}

function same(a: Candle, b: Candle | undefined): boolean {
  return b !== undefined && a.t === b.t && a.o === b.o && a.h === b.h &&
    a.l === b.l && a.c === b.c && a.v === b.v;
}
