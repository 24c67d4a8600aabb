/**
 * One symbol's bars at one interval in the browser, oldest first, bounded in
 * count, merged from three sources that each know something the others do
 * not:
 *
 * - API answers (`GET /api/candles`) are the truth for closed bars;
 * - stream candle frames carry the open bar, and at a finer interval (1 s)
 *   are aggregated into longer bars here;
 * - ticks move the open bar's close (and high/low) at once, so the chart's
 *   last price is the price card's, not a frame up to 250 ms older.
 *
 * A bar the page has updated live since an API request was sent is not
 * rolled back by that request's (older) answer. Bars are never invented for
 * time without data: a gap stays a gap.
 */
import type { Candle } from "../protocol/candles.ts";

/** The bar fields a stream frame carries. */
export type BarUpdate = Pick<Candle, "t" | "o" | "h" | "l" | "c" | "v">;

/** Options of {@linkcode CandleSeries}. */
export interface CandleSeriesOptions {
  /** Bar length, ms. */
  readonly intervalMs: number;
  /** Most bars kept; the oldest are dropped. Default 2,000. */
  readonly maxBars?: number;
}

/** A bounded, time-ordered series of bars. */
export class CandleSeries {
  readonly intervalMs: number;
  #bars: Candle[] = [];
  #maxBars: number;
  /** Bumped on every change, for memoised drawing. */
  #version = 0;
  /** Bumped when any bar but the newest changes (see `settledVersion`). */
  #settledVersion = 0;
  /** Client time of the last live change to the newest bar. */
  #liveAt = -Infinity;
  /** Volume of the newest bar's finer bars, by their start (aggregation). */
  #parts = new Map<number, number>();
  /** Newest-bar volume the API reported, and the time it covered. */
  #baseV = 0;
  #baseUntil = -Infinity;

  /** An empty series of bars `intervalMs` long. */
  constructor(options: CandleSeriesOptions) {
    this.intervalMs = options.intervalMs;
    this.#maxBars = options.maxBars ?? 2_000;
    if (!(this.intervalMs > 0)) {
      throw new RangeError(
        `intervalMs must be positive, got ${this.intervalMs}`,
      );
    }
    if (!(this.#maxBars >= 2)) {
      throw new RangeError(`maxBars must be at least 2, got ${this.#maxBars}`);
    }
  }

  /** Bars, oldest first. Do not mutate. */
  get bars(): readonly Candle[] {
    return this.#bars;
  }

  /** Changes with every update. */
  get version(): number {
    return this.#version;
  }

  /**
   * Changes whenever a bar other than the newest changes (or the newest is
   * succeeded by a new one): while it stays, drawing may reuse the other
   * bars' paths and redo only the newest.
   */
  get settledVersion(): number {
    return this.#settledVersion;
  }

  /** Start of the bar that holds time `ts`. */
  bucket(ts: number): number {
    return Math.floor(ts / this.intervalMs) * this.intervalMs;
  }

  /**
   * Merges an API answer (oldest first). `requestedAt` is the client time
   * the request was sent and `coveredUntil` the server time it covered: the
   * newest bar, if updated live since the request, keeps its live close and
   * widens to the union of both; finer frames after `coveredUntil` add their
   * volume on top of the answer's.
   */
  merge(
    candles: readonly Candle[],
    requestedAt: number,
    coveredUntil: number,
  ): void {
    if (candles.length === 0) return;
    const byT = new Map<number, Candle>();
    for (const bar of this.#bars) byT.set(bar.t, bar);
    const newest = this.#bars.at(-1);
    for (const bar of candles) {
      if (!isBar(bar)) continue;
      const t = this.bucket(bar.t);
      const mine = byT.get(t);
      if (mine && mine === newest && this.#liveAt > requestedAt) {
        byT.set(t, {
          ...bar,
          t,
          h: Math.max(bar.h, mine.h),
          l: Math.min(bar.l, mine.l),
          c: mine.c,
          v: Math.max(bar.v, mine.v),
        });
      } else {
        byT.set(t, { ...bar, t });
      }
    }
    this.#bars = [...byT.values()].sort((a, b) => a.t - b.t);
    const last = this.#bars.at(-1)!;
    const answered = candles.at(-1)!;
    if (this.bucket(answered.t) === last.t) {
      this.#baseV = answered.v;
      this.#baseUntil = coveredUntil;
      this.#parts.clear();
    }
    this.#trim();
    this.#version++;
    this.#settledVersion++;
  }

  /**
   * Applies a stream bar (`update.t` its start) of length `sourceMs`: the
   * series' own interval replaces the bar; a finer one is folded into the
   * bar that holds it. `at` is the client time.
   */
  applyBar(update: BarUpdate, sourceMs: number, at: number): void {
    if (!isBar(update)) return;
    if (sourceMs === this.intervalMs) {
      this.#put({ ...update, turnover: 0 }, at, true);
      return;
    }
    if (sourceMs > this.intervalMs) return;
    const t = this.bucket(update.t);
    const last = this.#bars.at(-1);
    if (last && t < last.t) return;
    if (!last || t > last.t) {
      this.#parts.clear();
      this.#baseV = 0;
      this.#baseUntil = -Infinity;
    }
    if (update.t >= this.#baseUntil - sourceMs) {
      this.#parts.set(update.t, update.v);
    }
    let v = this.#baseV;
    for (const part of this.#parts.values()) v += part;
    const open = last && last.t === t ? last : undefined;
    this.#put(
      {
        t,
        o: open?.o ?? update.o,
        h: Math.max(open?.h ?? -Infinity, update.h),
        l: Math.min(open?.l ?? Infinity, update.l),
        c: update.c,
        v,
        turnover: open?.turnover ?? 0,
      },
      at,
      false,
    );
  }

  /** Moves the open bar to a tick's price, or opens the next bar with it. */
  applyTick(ts: number, price: number, at: number): void {
    if (!Number.isFinite(price) || !Number.isFinite(ts)) return;
    const t = this.bucket(ts);
    const last = this.#bars.at(-1);
    if (last && t < last.t) return;
    if (last && t === last.t) {
      this.#put(
        {
          ...last,
          h: Math.max(last.h, price),
          l: Math.min(last.l, price),
          c: price,
        },
        at,
        false,
      );
    } else {
      this.#parts.clear();
      this.#baseV = 0;
      this.#baseUntil = -Infinity;
      this.#put(
        { t, o: price, h: price, l: price, c: price, v: 0, turnover: 0 },
        at,
        false,
      );
    }
  }

  /** Index of the first bar with `t >= time`. */
  indexAt(time: number): number {
    let lo = 0;
    let hi = this.#bars.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#bars[mid].t < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts or replaces the bar at `bar.t` (ticks may already have extended it). */
  #put(bar: Candle, at: number, keepTickRange: boolean): void {
    const bars = this.#bars;
    const last = bars.at(-1);
    if (!last || bar.t > last.t) {
      bars.push(bar);
      this.#trim();
      this.#settledVersion++;
    } else if (bar.t === last.t) {
      bars[bars.length - 1] = keepTickRange
        ? { ...bar, h: Math.max(bar.h, last.h), l: Math.min(bar.l, last.l) }
        : bar;
    } else {
      const i = this.indexAt(bar.t);
      if (bars[i]?.t === bar.t) bars[i] = bar;
      else bars.splice(i, 0, bar);
      this.#trim();
      this.#version++;
      this.#settledVersion++;
      return;
    }
    this.#liveAt = at;
    this.#version++;
  }

  #trim(): void {
    const extra = this.#bars.length - this.#maxBars;
    if (extra > 0) this.#bars.splice(0, extra);
  }
}

function isBar(bar: BarUpdate): boolean {
  return Number.isFinite(bar.t) && Number.isFinite(bar.o) &&
    Number.isFinite(bar.h) && Number.isFinite(bar.l) &&
    Number.isFinite(bar.c) && bar.h >= bar.l;
}
