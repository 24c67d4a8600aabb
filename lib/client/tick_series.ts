/**
 * One symbol's chart history in the browser: points ordered by `seq`, never
 * duplicated, bounded in age and count. Live ticks are appended only when
 * their `seq` is newer than the last one (a duplicate or late frame after a
 * reconnect is ignored); a history batch is merged by `seq`, so it can fill in
 * older points around what is already there.
 */
import type { TickFrame } from "../protocol/frames.ts";

/** What the chart needs of a tick. */
export interface SeriesPoint {
  readonly seq: number;
  /** Server emit time, epoch ms: the x axis. */
  readonly ts: number;
  readonly price: number;
  /** Percent per second. */
  readonly velocity: number;
  /** 24 h change, percent. */
  readonly change: number;
}

/** Options of {@linkcode TickSeries}. */
export interface TickSeriesOptions {
  /** Points older than this behind the newest are dropped, ms. Default 15 min. */
  readonly retainMs?: number;
  /** Most points kept (20 ticks/s for 15 min would be 18 000). Default 20 000. */
  readonly maxPoints?: number;
}

/** Reduces a tick to a chart point. */
export function toPoint(tick: TickFrame): SeriesPoint {
  return {
    seq: tick.seq,
    ts: tick.ts,
    price: tick.price,
    velocity: tick.velocity,
    change: tick.change,
  };
}

/** A bounded, seq-ordered series of chart points. */
export class TickSeries {
  #points: SeriesPoint[] = [];
  #retainMs: number;
  #maxPoints: number;

  /** Creates an empty series. */
  constructor(options: TickSeriesOptions = {}) {
    this.#retainMs = options.retainMs ?? 15 * 60_000;
    this.#maxPoints = options.maxPoints ?? 20_000;
    if (!(this.#retainMs > 0)) {
      throw new RangeError(`retainMs must be positive, got ${this.#retainMs}`);
    }
    if (!(this.#maxPoints >= 2)) {
      throw new RangeError(
        `maxPoints must be at least 2, got ${this.#maxPoints}`,
      );
    }
  }

  /** Points, oldest first. Do not mutate. */
  get points(): readonly SeriesPoint[] {
    return this.#points;
  }

  /** Seq of the newest point, or 0 when empty. */
  get lastSeq(): number {
    return this.#points.at(-1)?.seq ?? 0;
  }

  /** Appends a live point; false (and no change) unless its seq is newer. */
  append(point: SeriesPoint): boolean {
    if (point.seq <= this.lastSeq || !Number.isFinite(point.price)) {
      return false;
    }
    this.#points.push(point);
    this.#trim();
    return true;
  }

  /** Merges history (any order) by seq; returns how many points were new. */
  merge(points: readonly SeriesPoint[]): number {
    if (points.length === 0) return 0;
    const bySeq = new Map<number, SeriesPoint>();
    for (const point of this.#points) bySeq.set(point.seq, point);
    let added = 0;
    for (const point of points) {
      if (!Number.isFinite(point.price) || bySeq.has(point.seq)) continue;
      bySeq.set(point.seq, point);
      added++;
    }
    if (added > 0) {
      this.#points = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
      this.#trim();
    }
    return added;
  }

  /** Drops everything (the server reset this symbol's sequence). */
  clear(): void {
    this.#points = [];
  }

  #trim(): void {
    const newest = this.#points.at(-1);
    if (!newest) return;
    const cutoff = newest.ts - this.#retainMs;
    let drop = 0;
    while (drop < this.#points.length && this.#points[drop].ts < cutoff) drop++;
    drop = Math.max(drop, this.#points.length - this.#maxPoints);
    if (drop > 0) this.#points.splice(0, drop);
  }
}
