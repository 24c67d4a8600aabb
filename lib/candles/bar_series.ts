/**
 * The closed bars of one symbol at one resolution, oldest first, in a ring
 * of bounded capacity stored column by column in typed arrays over one
 * buffer: 57 bytes a bar (seven float64 columns and one byte for the volume
 * source). The buffer starts small and doubles as bars arrive, up to the
 * capacity, so memory follows the bars held and never exceeds what the
 * capacity allows (see the README): a book for a market that trades little,
 * or one listed an hour ago, costs what it holds. A series that fills within
 * minutes anyway (1 s bars) is better allocated whole (`whole`): each
 * doubling leaves the old buffer to the collector and the allocator's high
 * water behind, a step in the process's memory every few minutes.
 *
 * Bars are kept sorted by start time. Live bars arrive in order and are
 * appended in O(1); a bar from the past (a late amendment, a backfill) is
 * inserted in place, shifting the bars on its shorter side — none for one
 * older than everything held — bounded by the capacity. When the ring is
 * full the oldest bar makes room.
 *
 * A series may hold only the newest part of what the store keeps (its
 * capacity is a memory window, not the retention horizon): `completeFrom`
 * says from when on it holds every bar there is, so a reader knows when to
 * ask the store for older ones.
 */
import type { Candle, CandleVolumeSource } from "../protocol/candles.ts";

/** Memory of one bar in a series, bytes. */
export const BYTES_PER_BAR = 7 * 8 + 1;

const SOURCE_CODE: Readonly<Record<CandleVolumeSource, number>> = {
  trades: 1,
  turnover: 2,
};
const SOURCE_OF: readonly (CandleVolumeSource | undefined)[] = [
  undefined,
  "trades",
  "turnover",
];

/** Bars the buffer first has room for (fewer if the capacity is less). */
const FIRST_ROOM = 64;

/** What {@linkcode BarSeries.put} did with a bar. */
export type PutOutcome = "appended" | "replaced" | "inserted" | "dropped";

/** Options of a {@linkcode BarSeries}. */
export interface BarSeriesOptions {
  /** Allocate room for `capacity` bars at once instead of growing. Default false. */
  readonly whole?: boolean;
}

/** A bounded, sorted, columnar store of bars. */
export class BarSeries {
  #capacity: number;
  readonly #whole: boolean;
  /** Bars the columns have room for now: doubles up to `capacity`. */
  #room = 0;
  #start = 0;
  #completeFrom = -Infinity;
  #size = 0;
  #t!: Float64Array;
  #o!: Float64Array;
  #h!: Float64Array;
  #l!: Float64Array;
  #c!: Float64Array;
  #v!: Float64Array;
  #turnover!: Float64Array;
  #source!: Uint8Array;
  /** The eight columns above, together (to move them). */
  #columns!: Columns;

  /** `capacity`: most bars kept, a positive integer. */
  constructor(capacity: number, options: BarSeriesOptions = {}) {
    checkCapacity(capacity);
    this.#capacity = capacity;
    this.#whole = options.whole ?? false;
    this.#use(columns(this.#whole ? capacity : Math.min(capacity, FIRST_ROOM)));
  }

  /** Most bars kept. */
  get capacity(): number {
    return this.#capacity;
  }

  /**
   * Changes the most bars kept (the memory window moved: more symbols share
   * the budget, or fewer). Shrinking drops the oldest bars past the new
   * capacity — `completeFrom` moves as when a full ring drops one — and gives
   * back the room above it; a whole series is reallocated to the new
   * capacity either way. Throws a `RangeError` for a bad capacity.
   */
  setCapacity(capacity: number): void {
    checkCapacity(capacity);
    while (this.#size > capacity) this.#dropOldest();
    this.#capacity = capacity;
    const room = this.#whole ? capacity : Math.min(this.#room, capacity);
    if (room !== this.#room) this.#moveTo(room);
  }

  /** Memory the columns take now, bytes (at most `capacity` bars' worth). */
  get bytes(): number {
    return this.#room * BYTES_PER_BAR;
  }

  /** Bars held. */
  get size(): number {
    return this.#size;
  }

  /**
   * From this time on the series holds every bar there is; older bars may
   * exist only in the store (-Infinity: it holds them all). Rises as the
   * ring drops its oldest bars.
   */
  get completeFrom(): number {
    return this.#completeFrom;
  }

  /**
   * Says the series was loaded with the bars from `t` on only (a memory
   * window shorter than what the store keeps); only `loadedBack` moves it
   * back.
   */
  loadedFrom(t: number): void {
    this.#completeFrom = Math.max(this.#completeFrom, t);
  }

  /**
   * Says the series now also holds the bars there are in `[from, to)`, read
   * from the store (`oldest` the first of them) after it was loaded from
   * `to` on: it is then complete from `from`. If the ring had no room for
   * them all, it is complete from the oldest bar it kept; if it dropped a
   * bar since it was complete from `to`, nothing changes.
   */
  loadedBack(from: number, to: number, oldest?: number): void {
    if (this.#completeFrom > to) return;
    const kept = oldest === undefined || this.has(oldest);
    const back = kept ? from : this.firstTime ?? this.#completeFrom;
    this.#completeFrom = Math.min(this.#completeFrom, back);
  }

  /** Start of the newest bar, or undefined when empty. */
  get lastTime(): number | undefined {
    return this.#size === 0 ? undefined : this.timeAt(this.#size - 1);
  }

  /** Start of the oldest bar, or undefined when empty. */
  get firstTime(): number | undefined {
    return this.#size === 0 ? undefined : this.timeAt(0);
  }

  /** Start of the bar `index` places from the oldest. */
  timeAt(index: number): number {
    return this.#t[this.#slot(index)];
  }

  /** The bar `index` places from the oldest (0 = oldest). */
  at(index: number): Candle {
    if (!(index >= 0 && index < this.#size)) {
      throw new RangeError(`index must be from 0 to ${this.#size - 1}`);
    }
    const i = this.#slot(index);
    const source = SOURCE_OF[this.#source[i]];
    const bar: Candle = {
      t: this.#t[i],
      o: this.#o[i],
      h: this.#h[i],
      l: this.#l[i],
      c: this.#c[i],
      v: this.#v[i],
      turnover: this.#turnover[i],
    };
    return source === undefined ? bar : { ...bar, volume_source: source };
  }

  /** Index of the first bar starting at or after `t` (`size` if none). */
  lowerBound(t: number): number {
    let low = 0;
    let high = this.#size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.timeAt(mid) < t) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Whether a bar starts at `t`. */
  has(t: number): boolean {
    const i = this.lowerBound(t);
    return i < this.#size && this.timeAt(i) === t;
  }

  /** Bars with `from ≤ t < to`, oldest first. */
  range(from: number, to: number): Candle[] {
    const out: Candle[] = [];
    for (let i = this.lowerBound(from); i < this.#size; i++) {
      if (this.timeAt(i) >= to) break;
      out.push(this.at(i));
    }
    return out;
  }

  /**
   * Stores `bar` in order: appended when newest, replacing a bar with the
   * same start, inserted between older ones; dropped when the ring is full
   * and the bar is older than everything kept.
   */
  put(bar: Candle): PutOutcome {
    const last = this.lastTime;
    if (this.#size === this.#room && this.#room < this.#capacity) this.#grow();
    if (last === undefined || bar.t > last) {
      if (this.#size === this.#capacity) this.#dropOldest();
      this.#write(this.#size, bar);
      this.#size++;
      return "appended";
    }
    let index = this.lowerBound(bar.t);
    if (index < this.#size && this.timeAt(index) === bar.t) {
      this.#write(index, bar);
      return "replaced";
    }
    if (this.#size === this.#capacity) {
      if (index === 0) return "dropped";
      this.#dropOldest();
      index--;
    }
    // Shift the shorter side: bars from the past arrive in runs older than
    // everything held (a backfill's older page), so that is usually none.
    if (index < this.#size - index) {
      this.#start = (this.#start - 1 + this.#room) % this.#room;
      for (let i = 0; i < index; i++) this.#copy(i + 1, i);
    } else {
      for (let i = this.#size; i > index; i--) this.#copy(i - 1, i);
    }
    this.#write(index, bar);
    this.#size++;
    return "inserted";
  }

  /** Drops bars starting before `t`; returns how many. */
  dropBefore(t: number): number {
    let dropped = 0;
    while (this.#size > 0 && this.timeAt(0) < t) {
      this.#dropOldest();
      dropped++;
    }
    return dropped;
  }

  #dropOldest(): void {
    this.loadedFrom(this.timeAt(0) + 1);
    this.#start = (this.#start + 1) % this.#room;
    this.#size--;
  }

  /** Doubles the room (up to the capacity). */
  #grow(): void {
    this.#moveTo(Math.min(this.#capacity, this.#room * 2));
  }

  /** Moves the bars into new columns of `room` (at least the size), oldest first. */
  #moveTo(room: number): void {
    const next = columns(room);
    // Oldest from `start` towards the end of the buffer, the rest from 0.
    const head = Math.min(this.#size, this.#room - this.#start);
    this.#columns.forEach((column, k) => {
      next[k].set(column.subarray(this.#start, this.#start + head), 0);
      next[k].set(column.subarray(0, this.#size - head), head);
    });
    this.#use(next);
    this.#start = 0;
  }

  /** Takes `next` as the columns; their length is the room. */
  #use(next: Columns): void {
    this.#columns = next;
    [
      this.#t,
      this.#o,
      this.#h,
      this.#l,
      this.#c,
      this.#v,
      this.#turnover,
      this.#source,
    ] = next;
    this.#room = this.#t.length;
  }

  #slot(index: number): number {
    return (this.#start + index) % this.#room;
  }

  #copy(from: number, to: number): void {
    const a = this.#slot(from);
    const b = this.#slot(to);
    this.#t[b] = this.#t[a];
    this.#o[b] = this.#o[a];
    this.#h[b] = this.#h[a];
    this.#l[b] = this.#l[a];
    this.#c[b] = this.#c[a];
    this.#v[b] = this.#v[a];
    this.#turnover[b] = this.#turnover[a];
    this.#source[b] = this.#source[a];
  }

  #write(index: number, bar: Candle): void {
    const i = this.#slot(index);
    this.#t[i] = bar.t;
    this.#o[i] = bar.o;
    this.#h[i] = bar.h;
    this.#l[i] = bar.l;
    this.#c[i] = bar.c;
    this.#v[i] = bar.v;
    this.#turnover[i] = bar.turnover;
    this.#source[i] = bar.volume_source === undefined
      ? 0
      : SOURCE_CODE[bar.volume_source];
  }
}

type Columns = [
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
  Uint8Array,
];

function checkCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(
      `capacity must be a positive integer, got ${capacity}`,
    );
  }
}

/** The eight columns of `room` bars, views over one buffer. */
function columns(room: number): Columns {
  const buffer = new ArrayBuffer(room * BYTES_PER_BAR);
  const float = (k: number) => new Float64Array(buffer, k * room * 8, room);
  return [
    float(0),
    float(1),
    float(2),
    float(3),
    float(4),
    float(5),
    float(6),
    new Uint8Array(buffer, 7 * room * 8, room),
  ];
}
