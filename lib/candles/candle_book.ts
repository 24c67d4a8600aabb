/**
 * Every bar of one symbol: the 1 s builder, the closed bars at each stored
 * resolution (1 s, 1 m, 1 h), and the answers built from them. Pure: no
 * clock, no I/O; the caller feeds events, says when time has moved
 * (`closeBefore`), and persists what closes.
 *
 * A 1 m bar is not accumulated on the side: when its minute closes it is
 * aggregated from the 1 s bars kept for that minute, and a 1 h bar from its
 * 1 m bars. So whatever the minute holds at that moment counts — bars from
 * before a restart, bars a backfill inserted, late trades amended into a
 * 1 s bar — and an open bar at any interval is the same aggregate over what
 * is closed so far plus what is still open. After a restart only the 1 s
 * bar in progress is lost.
 */
import type { Candle, CandleInterval } from "../protocol/candles.ts";
import {
  BarBuilder,
  BUILD_MS,
  type Observed,
  type OpenState,
} from "./bar_builder.ts";
import { BarSeries } from "./bar_series.ts";
import { aggregateCandles, groupCandles } from "./candle_aggregate.ts";
import {
  BASE_RESOLUTION,
  FINER_RESOLUTION,
  INTERVAL_MS,
  slotStart as slot,
  STORED_RESOLUTIONS,
  type StoredResolution,
} from "./candle_intervals.ts";

/** How many bars each stored resolution keeps (the horizon / the length). */
export type SeriesCapacities = Readonly<Record<StoredResolution, number>>;

/** Options of {@linkcode CandleBook}. */
export interface CandleBookOptions {
  readonly capacities: SeriesCapacities;
  /** Trades count as streaming this long after the last one, ms. Default 60 000. */
  readonly tradeStreamMs?: number;
}

/** Bars that closed (or changed after closing), per stored resolution. */
export type ClosedBars = Record<StoredResolution, Candle[]>;

/** The stored resolution each one rolls up into. */
const COARSER: Readonly<Record<StoredResolution, "1m" | "1h" | undefined>> = {
  "1s": "1m",
  "1m": "1h",
  "1h": undefined,
};

/** Bars closed by one call, none yet. */
export function noClosedBars(): ClosedBars {
  return { "1s": [], "1m": [], "1h": [] };
}

/** A range request: the newest `limit` bars with `from ≤ t < to`. */
export interface BookQuery {
  readonly interval: CandleInterval;
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
}

/** Bars a query needs from the store: `[from, to)` of one resolution. */
export interface OlderSpan {
  readonly resolution: StoredResolution;
  readonly from: number;
  readonly to: number;
  /** The query's lower bound (-Infinity when it has none). */
  readonly floor: number;
}

/** The bars of one symbol at every resolution. */
export class CandleBook {
  readonly series: Readonly<Record<StoredResolution, BarSeries>>;
  #builder: BarBuilder;
  #tradeStreamMs: number | undefined;
  /** Slots with closed finer bars whose own bar has not closed yet. */
  #pending: Record<"1m" | "1h", Set<number>> = {
    "1m": new Set(),
    "1h": new Set(),
  };
  #lateDropped = 0;
  #lateAmended = 0;
  /**
   * `closeBefore` has run through this time and nothing it could close has
   * come since: a call for a time in the same second closes nothing.
   */
  #checkedThrough = -Infinity;

  /** Throws a `RangeError` for a bad capacity. */
  constructor(options: CandleBookOptions) {
    this.series = {
      // Every market that ticks fills its 1 s window within minutes.
      "1s": new BarSeries(options.capacities["1s"], { whole: true }),
      "1m": new BarSeries(options.capacities["1m"]),
      "1h": new BarSeries(options.capacities["1h"]),
    };
    this.#tradeStreamMs = options.tradeStreamMs;
    this.#builder = new BarBuilder({ tradeStreamMs: options.tradeStreamMs });
  }

  /**
   * Takes new memory windows (`BarSeries.setCapacity`): the budget is
   * shared by every book, so a listing or a delisting moves them all.
   */
  setCapacities(capacities: SeriesCapacities): void {
    for (const r of STORED_RESOLUTIONS) {
      this.series[r].setCapacity(capacities[r]);
    }
  }

  /** Late events dropped (their minute had closed) and amended into a 1 s bar. */
  get late(): { readonly dropped: number; readonly amended: number } {
    return { dropped: this.#lateDropped, amended: this.#lateAmended };
  }

  /**
   * Every bar, at every resolution, that ends at or before this time has
   * closed (-Infinity before any closed).
   */
  get closedThrough(): number {
    return this.#builder.closedThrough;
  }

  /** Latest exchange time of the data, ms (-Infinity before any). */
  get lastDataTime(): number {
    return Math.max(
      this.#builder.watermark,
      (this.series["1s"].lastTime ?? -Infinity) + BUILD_MS - 1,
    );
  }

  /**
   * Loads stored bars (after a restart, or from a backfill), each call's
   * bars oldest first; 1 s bars newer than those held only before live
   * events arrive (the bars in progress start over after them). Only
   * missing bars are taken. A bar whose minute (or hour) has no bar yet
   * makes that slot pending, so it closes with the next `closeBefore` — a
   * minute cut short by a crash still closes with its seconds from before
   * it — unless the slot starts before the series' `completeFrom` (the
   * first minute of a memory window holds only some of its seconds).
   * Returns the bars taken.
   */
  restore(resolution: StoredResolution, bars: readonly Candle[]): Candle[] {
    const series = this.series[resolution];
    const coarser = COARSER[resolution];
    const newest = series.lastTime;
    const taken: Candle[] = [];
    // A run older than everything held (a backfill's older page) goes in
    // newest first: each bar then lands in front, nothing shifts.
    const older = bars.length > 0 &&
      bars[bars.length - 1].t < (series.firstTime ?? -Infinity);
    for (const bar of older ? [...bars].reverse() : bars) {
      if (series.has(bar.t)) continue;
      if (series.put(bar) === "dropped") continue;
      taken.push(bar);
      if (!coarser) continue;
      const start = slot(bar.t, coarser);
      if (start >= series.completeFrom && !this.series[coarser].has(start)) {
        this.#pending[coarser].add(start);
        this.#checkedThrough = -Infinity;
      }
    }
    if (
      resolution === "1s" && series.lastTime !== undefined &&
      series.lastTime !== newest
    ) {
      this.#builder = new BarBuilder({
        tradeStreamMs: this.#tradeStreamMs,
        closedThrough: Math.max(
          this.#builder.closedThrough,
          series.lastTime + BUILD_MS,
        ),
      });
    }
    return older ? taken.reverse() : taken;
  }

  /** The open 1 s bars and where the data stands, for a follower's mirror. */
  openState(): OpenState {
    return this.#builder.openState();
  }

  /**
   * Holds another instance's open state (a follower mirroring the leader's
   * book): the bars in progress it answers with, and where its data stands.
   */
  mirrorOpen(state: OpenState): void {
    this.#checkedThrough = -Infinity;
    this.#builder = BarBuilder.mirror(state, {
      tradeStreamMs: this.#tradeStreamMs,
    });
  }

  /**
   * Takes bars the leader closed and stored, replacing any held at the same
   * start: a bar's slot at its own resolution is no longer pending, and its
   * coarser slot is pending until that bar arrives too — as on the leader.
   */
  mirrorBars(resolution: StoredResolution, bars: readonly Candle[]): void {
    const series = this.series[resolution];
    const coarser = COARSER[resolution];
    for (const bar of bars) {
      if (series.put(bar) === "dropped") continue;
      if (resolution !== "1s") this.#pending[resolution].delete(bar.t);
      if (coarser && !this.series[coarser].has(slot(bar.t, coarser))) {
        this.#pending[coarser].add(slot(bar.t, coarser));
        this.#checkedThrough = -Infinity;
      }
    }
  }

  /**
   * Starts building from this instance's own events (a follower became the
   * leader): the bars another instance had in progress are dropped — the
   * seconds before what is closed stay closed — and the minutes and hours
   * pending close with the next `closeBefore`.
   */
  promote(): void {
    this.#checkedThrough = -Infinity;
    this.#builder = new BarBuilder({
      tradeStreamMs: this.#tradeStreamMs,
      closedThrough: Math.max(
        this.#builder.closedThrough,
        (this.series["1s"].lastTime ?? -Infinity) + BUILD_MS,
      ),
    });
  }

  /**
   * Aggregates again the closed bars of `resolution` starting at `starts`
   * (their finer bars changed, e.g. a backfill completed an hour); slots
   * still pending close on their own. Returns the bars written.
   */
  reseal(resolution: "1m" | "1h", starts: Iterable<number>): Candle[] {
    const sealed: Candle[] = [];
    for (const start of new Set(starts)) {
      if (this.#pending[resolution].has(start)) continue;
      const bar = this.#seal(resolution, start);
      if (bar) sealed.push(bar);
    }
    return sealed.sort((a, b) => a.t - b.t);
  }

  /**
   * A ticker snapshot (see `BarBuilder.observeTick`); a late one changes
   * nothing (a snapshot adds nothing to a closed bar).
   */
  observeTick(ts: number, price: number, turnover: number): Observed {
    return this.#builder.observeTick(ts, price, turnover);
  }

  /**
   * One public trade. A late trade whose minute is still open is amended
   * into its 1 s bar (returned in `amended` to be stored again); a later one
   * is dropped and counted.
   */
  observeTrade(
    ts: number,
    price: number,
    size: number,
    notional: number,
    amended: Candle[],
  ): Observed {
    const observed = this.#builder.observeTrade(ts, price, size, notional);
    if (observed !== "late") return observed;
    const minute = slot(ts, "1m");
    if (!this.#pending["1m"].has(minute)) {
      this.#lateDropped++;
      return "late";
    }
    const series = this.series["1s"];
    const t = slot(ts, "1s");
    const index = series.lowerBound(t);
    const old = index < series.size && series.timeAt(index) === t
      ? series.at(index)
      : undefined;
    const bar: Candle = old
      ? {
        ...old,
        h: Math.max(old.h, price),
        l: Math.min(old.l, price),
        v: old.v + size,
        turnover: old.turnover + notional,
      }
      : {
        t,
        o: price,
        h: price,
        l: price,
        c: price,
        v: size,
        turnover: notional,
        volume_source: "trades",
      };
    series.put(bar);
    amended.push(bar);
    this.#lateAmended++;
    return "late";
  }

  /**
   * Whether `closeBefore(time)` would close anything or move
   * `closedThrough`: false for a second already closed through, so a
   * caller with many books skips the idle ones cheaply.
   */
  hasDue(time: number): boolean {
    return Math.floor(time / BUILD_MS) * BUILD_MS > this.#checkedThrough;
  }

  /**
   * Closes every bar that ends at or before `time` (1 s bars, then the
   * minutes and hours they complete); returns the closed bars.
   */
  closeBefore(time: number): ClosedBars {
    const closed = noClosedBars();
    if (!this.hasDue(time)) return closed;
    this.#checkedThrough = Math.floor(time / BUILD_MS) * BUILD_MS;
    for (const bar of this.#builder.closeBefore(time)) {
      this.series["1s"].put(bar);
      closed["1s"].push(bar);
      this.#pending["1m"].add(slot(bar.t, "1m"));
    }
    for (const resolution of ["1m", "1h"] as const) {
      const pending = this.#pending[resolution];
      const ms = INTERVAL_MS[resolution];
      for (const start of [...pending].sort((a, b) => a - b)) {
        if (start + ms > time) continue;
        pending.delete(start);
        const bar = this.#seal(resolution, start);
        if (!bar) continue;
        closed[resolution].push(bar);
        if (resolution === "1m") this.#pending["1h"].add(slot(start, "1h"));
      }
    }
    return closed;
  }

  /** The bar of `interval` in progress, if there is data for it. */
  openBar(interval: CandleInterval): Candle | undefined {
    const latest = this.lastDataTime;
    if (latest === -Infinity) return undefined;
    const start = slot(latest, interval);
    const ms = INTERVAL_MS[interval];
    const base = BASE_RESOLUTION[interval];
    const unclosed = this.#unclosed(base, start, start + ms);
    if (unclosed.length === 0) return undefined;
    const parts = mergeByTime(
      this.series[base].range(start, start + ms),
      unclosed,
    );
    return aggregateCandles(parts, start);
  }

  /**
   * The newest `limit` bars of `query.interval` starting in
   * `[from, to)`, oldest first, the bar in progress included; longer
   * intervals are aggregated from their stored resolution. `older` are
   * bars of that resolution from before the series' `completeFrom`, read
   * from the store (see {@linkcode CandleBook.olderSpan}).
   */
  query(query: BookQuery, older: readonly Candle[] = []): Candle[] {
    const { ms, base, low, high } = bounds(query);
    const series = this.series[base];
    // Walk back from `high` until `limit` bars of the interval are covered.
    let index = series.lowerBound(high);
    let groups = 0;
    let group: number | undefined;
    while (index > 0) {
      const t = series.timeAt(index - 1);
      if (t < low) break;
      const start = Math.floor(t / ms) * ms;
      if (start !== group) {
        if (groups === query.limit) break;
        groups++;
        group = start;
      }
      index--;
    }
    // Older bars stop where memory's start: never the same bar twice.
    const before = Math.min(series.completeFrom, series.firstTime ?? Infinity);
    const closed = older.filter((bar) =>
      bar.t >= low && bar.t < high && bar.t < before
    );
    for (let i = index; i < series.size; i++) {
      if (series.timeAt(i) >= high) break;
      closed.push(series.at(i));
    }
    const open = this.#unclosed(base, low, high);
    return groupCandles(mergeByTime(closed, open), ms).slice(-query.limit);
  }

  /**
   * The span of `query`'s stored resolution that only the store holds and
   * `answer` (this book's answer from memory) still needs: the bars from
   * before the series' `completeFrom` that the newest `limit` bars take in.
   * Undefined when memory answers alone. The span is the time the missing
   * bars would cover when there is no gap; `floor` is the query's own lower
   * bound, past which no reader need look.
   */
  olderSpan(
    query: BookQuery,
    answer: readonly Candle[],
  ): OlderSpan | undefined {
    const { ms, base: resolution, low, high } = bounds(query);
    const complete = this.series[resolution].completeFrom;
    if (!(low < complete)) return undefined;
    // Bars of `query.interval` from here on are whole in memory.
    const whole = Math.min(high, alignUp(complete, ms));
    const kept = answer.filter((bar) => bar.t >= whole).length;
    if (kept >= query.limit) return undefined;
    return {
      resolution,
      from: Math.max(low, whole - (query.limit - kept) * ms),
      to: Math.min(high, complete),
      floor: low,
    };
  }

  /** Aggregates the closed finer bars of one slot into a stored bar. */
  #seal(resolution: "1m" | "1h", start: number): Candle | undefined {
    const finer = FINER_RESOLUTION[resolution]!;
    const parts = this.series[finer].range(
      start,
      start + INTERVAL_MS[resolution],
    );
    if (parts.length === 0) return undefined;
    const bar = aggregateCandles(parts, start);
    this.series[resolution].put(bar);
    return bar;
  }

  /** Bars of `resolution` in `[from, to)` that have not closed, oldest first. */
  #unclosed(resolution: StoredResolution, from: number, to: number): Candle[] {
    if (resolution === "1s") {
      return this.#builder.openBars().filter((b) => b.t >= from && b.t < to);
    }
    const finer = FINER_RESOLUTION[resolution]!;
    const ms = INTERVAL_MS[resolution];
    const finerOpen = this.#unclosed(finer, from, to);
    const starts = new Set<number>();
    for (const start of this.#pending[resolution]) {
      if (start >= from && start < to) starts.add(start);
    }
    for (const bar of finerOpen) starts.add(slot(bar.t, resolution));
    const bars: Candle[] = [];
    for (const start of [...starts].sort((a, b) => a - b)) {
      if (this.series[resolution].has(start)) continue;
      const parts = mergeByTime(
        this.series[finer].range(start, start + ms),
        finerOpen.filter((b) => b.t >= start && b.t < start + ms),
      );
      if (parts.length > 0) bars.push(aggregateCandles(parts, start));
    }
    return bars;
  }
}

/**
 * A query's interval length, the stored resolution it is built from, and
 * its `[from, to)` aligned up to whole bars of the interval.
 */
function bounds(query: BookQuery) {
  const ms = INTERVAL_MS[query.interval];
  return {
    ms,
    base: BASE_RESOLUTION[query.interval],
    low: alignUp(query.from ?? -Infinity, ms),
    high: alignUp(query.to ?? Infinity, ms),
  };
}

/** The smallest multiple of `ms` at or above `t` (infinities stay). */
function alignUp(t: number, ms: number): number {
  return Number.isFinite(t) ? Math.ceil(t / ms) * ms : t;
}

/** Two lists sorted by `t` merged into one; `b` wins a tie. */
function mergeByTime(a: readonly Candle[], b: readonly Candle[]): Candle[] {
  if (b.length === 0) return a as Candle[];
  if (a.length === 0) return b as Candle[];
  const out: Candle[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].t < b[j].t)) out.push(a[i++]);
    else {
      if (i < a.length && a[i].t === b[j].t) i++;
      out.push(b[j++]);
    }
  }
  return out;
}
