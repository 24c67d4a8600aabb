/**
 * The candles of one simulated symbol, as `/v5/market/kline` serves them:
 * a deterministic history walked backwards from the start price, then the
 * minutes the live market actually traded.
 *
 * History is generated once, at construction, from its own seeded stream:
 * minute bars for `historyMinutes` before the start (the last of them
 * closing at the start price, where the live walk begins), and hour bars
 * for `historyHours` before those, walking back from the oldest minute's
 * open. The 24 h window of the live tickers is seeded from the same minutes
 * (`symbol_market.ts`), so the tickers' high and low agree with the klines.
 * Live minutes are recorded from every trade and every step's last price,
 * in a ring as long as the minute history.
 */
import { RingBuffer } from "../hub/ring_buffer.ts";
import type { Candle } from "../protocol/candles.ts";
import type { MinuteBar } from "./price_window.ts";
import type { SeededRandom } from "./prng.ts";
import type { SymbolSpec } from "./symbol_specs.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Pull of the log price back to its start, as in the live walk. */
const REVERSION_MS = 3 * DAY_MS;

/** One bar, numbers unformatted: a candle as the service keeps it. */
export type KlineBar = Omit<Candle, "volume_source">;

/** Options of {@linkcode SymbolKlines}. */
export interface SymbolKlinesOptions {
  readonly spec: SymbolSpec;
  /** A stream of its own: drawing history must not move the live walk. */
  readonly random: SeededRandom;
  /** Epoch ms of the simulation start. */
  readonly startMs: number;
  /** Turnover the symbol trades per minute on average, USDT. */
  readonly turnoverPerMinute: number;
  /** Minutes of history before the start. Default 7 days. */
  readonly historyMinutes?: number;
  /** Hours of history before the minutes. Default 365 days. */
  readonly historyHours?: number;
}

/** The minute being traded: a bar still changing. */
type LiveBar = { -readonly [K in keyof KlineBar]: KlineBar[K] };

/** History and live minutes of one symbol. */
export class SymbolKlines {
  #minutes: PackedBars;
  #hours: PackedBars;
  #live: RingBuffer<LiveBar>;

  /** Generates the history (a few ms for a year of hours and a week of minutes). */
  constructor(options: SymbolKlinesOptions) {
    const { spec, random, startMs } = options;
    const historyMinutes = options.historyMinutes ?? 7 * 1_440;
    const historyHours = options.historyHours ?? 365 * 24;
    const startMinute = Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
    const anchor = Math.log(spec.startPrice);
    this.#minutes = walkBack({
      count: historyMinutes,
      stepMs: MINUTE_MS,
      end: startMinute,
      close: spec.startPrice,
      anchor,
      sigma: spec.dailyVolatility * Math.sqrt(MINUTE_MS / DAY_MS),
      turnover: options.turnoverPerMinute,
      random,
    });
    const hourEnd = Math.floor(this.#minutes.start / HOUR_MS) * HOUR_MS;
    this.#hours = walkBack({
      count: historyHours,
      stepMs: HOUR_MS,
      end: hourEnd,
      close: this.#minutes.count === 0 ? spec.startPrice : this.#minutes.o[0],
      anchor,
      sigma: spec.dailyVolatility * Math.sqrt(HOUR_MS / DAY_MS),
      turnover: options.turnoverPerMinute * 60,
      random,
    });
    this.#live = new RingBuffer(Math.max(1, historyMinutes));
    this.record(startMs, spec.startPrice);
  }

  /** The last `count` history minutes, oldest first, for the 24 h window. */
  windowHistory(count: number): MinuteBar[] {
    const bars = this.#minutes;
    const out: MinuteBar[] = [];
    for (let i = Math.max(0, bars.count - count); i < bars.count; i++) {
      out.push({ open: bars.o[i], high: bars.h[i], low: bars.l[i] });
    }
    return out;
  }

  /** Records a price (and a trade's size and notional) at epoch `time`. */
  record(time: number, price: number, size = 0, notional = 0): void {
    const t = Math.floor(time / MINUTE_MS) * MINUTE_MS;
    let bar = this.#live.newest();
    if (bar === undefined || t > bar.t) {
      bar = { t, o: price, h: price, l: price, c: price, v: 0, turnover: 0 };
      this.#live.push(bar);
    } else if (t < bar.t) {
      return; // Trades never go back further than their step.
    }
    if (price > bar.h) bar.h = price;
    if (price < bar.l) bar.l = price;
    bar.c = price;
    bar.v += size;
    bar.turnover += notional;
  }

  /**
   * Minute bars (history, then live) with `from ≤ t < to`, oldest first.
   */
  minutes(from: number, to: number): KlineBar[] {
    const live = this.#live.slice();
    const firstLive = live[0]?.t ?? Infinity;
    return [
      ...this.#minutes.range(from, Math.min(to, firstLive)),
      ...live.filter((b) => b.t >= from && b.t < to).map((b) => ({ ...b })),
    ];
  }

  /**
   * Hour bars with `from ≤ t < to`, oldest first: generated hours before
   * the minute history, minutes grouped into hours after it.
   */
  hours(from: number, to: number): KlineBar[] {
    const early = this.#hours.range(from, to);
    const firstMinuteHour = this.#hours.count === 0
      ? -Infinity
      : this.#hours.end;
    const grouped = groupBars(
      this.minutes(Math.max(from, firstMinuteHour), to),
      (t) => Math.floor(t / HOUR_MS) * HOUR_MS,
    );
    return [...early, ...grouped];
  }
}

/**
 * Bars grouped by `slotOf` their start (oldest first in, oldest first out):
 * open of the first, close of the last, extremes and sums.
 */
export function groupBars(
  bars: readonly KlineBar[],
  slotOf: (t: number) => number,
): KlineBar[] {
  const out: KlineBar[] = [];
  for (const bar of bars) {
    const t = slotOf(bar.t);
    const last = out[out.length - 1];
    if (last?.t !== t) {
      out.push({ ...bar, t });
      continue;
    }
    out[out.length - 1] = {
      t,
      o: last.o,
      h: Math.max(last.h, bar.h),
      l: Math.min(last.l, bar.l),
      c: bar.c,
      v: last.v + bar.v,
      turnover: last.turnover + bar.turnover,
    };
  }
  return out;
}

interface WalkOptions {
  readonly count: number;
  readonly stepMs: number;
  /** Start of the bar after the last one generated. */
  readonly end: number;
  /** Close of the last bar generated. */
  readonly close: number;
  readonly anchor: number;
  /** Standard deviation of the log price over one step. */
  readonly sigma: number;
  /** Mean quote turnover per bar. */
  readonly turnover: number;
  readonly random: SeededRandom;
}

/**
 * Generated bars at a fixed step, kept as columns of numbers: a week of
 * minutes for hundreds of symbols stays megabytes, not hundreds of them.
 * Bar `i` starts at `start + i * stepMs`.
 */
class PackedBars {
  readonly o: Float64Array;
  readonly h: Float64Array;
  readonly l: Float64Array;
  readonly c: Float64Array;
  readonly v: Float64Array;
  readonly turnover: Float64Array;

  constructor(
    readonly start: number,
    readonly stepMs: number,
    readonly count: number,
  ) {
    this.o = new Float64Array(count);
    this.h = new Float64Array(count);
    this.l = new Float64Array(count);
    this.c = new Float64Array(count);
    this.v = new Float64Array(count);
    this.turnover = new Float64Array(count);
  }

  /** Start of the bar after the last one. */
  get end(): number {
    return this.start + this.count * this.stepMs;
  }

  /** Bars with `from ≤ t < to`, oldest first. */
  range(from: number, to: number): KlineBar[] {
    const first = Math.max(0, Math.ceil((from - this.start) / this.stepMs));
    const last = Math.min(
      this.count,
      Math.ceil((to - this.start) / this.stepMs),
    );
    const out: KlineBar[] = [];
    for (let i = first; i < last; i++) {
      out.push({
        t: this.start + i * this.stepMs,
        o: this.o[i],
        h: this.h[i],
        l: this.l[i],
        c: this.c[i],
        v: this.v[i],
        turnover: this.turnover[i],
      });
    }
    return out;
  }
}

/**
 * `count` bars ending just before `end`, walked backwards from `close`:
 * each bar's open is the previous step's price, pulled toward `anchor` as
 * the live walk is, with wicks and a log-normal turnover.
 */
function walkBack(options: WalkOptions): PackedBars {
  const { random, sigma, stepMs, anchor, count } = options;
  const bars = new PackedBars(options.end - count * stepMs, stepMs, count);
  let close = options.close;
  for (let i = count - 1; i >= 0; i--) {
    const logClose = Math.log(close);
    // Backwards, a mean-reverting walk is again mean-reverting (an
    // Ornstein–Uhlenbeck process reversed in time has the same law).
    const logOpen = logClose + sigma * random.gaussian() -
      (stepMs / REVERSION_MS) * (logClose - anchor);
    const open = Math.exp(logOpen);
    const wick = sigma / 2;
    const high = Math.max(open, close) *
      Math.exp(Math.abs(random.gaussian()) * wick);
    const low = Math.min(open, close) *
      Math.exp(-Math.abs(random.gaussian()) * wick);
    const turnover = options.turnover *
      Math.exp(0.5 * random.gaussian() - 0.125);
    bars.o[i] = open;
    bars.h[i] = high;
    bars.l[i] = low;
    bars.c[i] = close;
    bars.v[i] = turnover / ((open + close) / 2);
    bars.turnover[i] = turnover;
    close = open;
  }
  return bars;
}
