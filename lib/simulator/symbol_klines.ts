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
  #minutes: KlineBar[];
  #hours: KlineBar[];
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
    const firstMinute = this.#minutes[0]?.t ?? startMinute;
    const hourEnd = Math.floor(firstMinute / HOUR_MS) * HOUR_MS;
    this.#hours = walkBack({
      count: historyHours,
      stepMs: HOUR_MS,
      end: hourEnd,
      close: this.#minutes[0]?.o ?? spec.startPrice,
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
    return this.#minutes.slice(-count).map(({ o, h, l }) => ({
      open: o,
      high: h,
      low: l,
    }));
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
      ...this.#minutes.filter((b) => b.t < firstLive),
      ...live.map((b) => ({ ...b })),
    ].filter((b) => b.t >= from && b.t < to);
  }

  /**
   * Hour bars with `from ≤ t < to`, oldest first: generated hours before
   * the minute history, minutes grouped into hours after it.
   */
  hours(from: number, to: number): KlineBar[] {
    const early = this.#hours.filter((b) => b.t >= from && b.t < to);
    const firstMinuteHour = this.#hours.length === 0
      ? -Infinity
      : this.#hours[this.#hours.length - 1].t + HOUR_MS;
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
 * `count` bars ending just before `end`, walked backwards from `close`:
 * each bar's open is the previous step's price, pulled toward `anchor` as
 * the live walk is, with wicks and a log-normal turnover. Oldest first.
 */
function walkBack(options: WalkOptions): KlineBar[] {
  const { random, sigma, stepMs, anchor } = options;
  const bars: KlineBar[] = [];
  let close = options.close;
  for (let i = 1; i <= options.count; i++) {
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
    bars.push({
      t: options.end - i * stepMs,
      o: open,
      h: high,
      l: low,
      c: close,
      v: turnover / ((open + close) / 2),
      turnover,
    });
    close = open;
  }
  return bars.reverse();
}
