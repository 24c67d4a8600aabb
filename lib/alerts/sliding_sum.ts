/**
 * A sum over a sliding time window, kept in a fixed number of buckets. A busy
 * symbol can trade hundreds of times a second; keeping every sample would
 * grow without bound, while buckets cost the same memory at any trade rate.
 * The price is resolution: the window is exact to one bucket (1/60 of it by
 * default).
 */

/** Options of {@linkcode SlidingSum}. */
export interface SlidingSumOptions {
  /** Length of the window, ms; must be positive. */
  readonly windowMs: number;
  /** Buckets the window is divided into. Default 60. */
  readonly buckets?: number;
}

/** Sum of the amounts added in the last `windowMs`. */
export class SlidingSum {
  #bucketMs: number;
  #indexes: number[];
  #sums: Float64Array;
  #latest = -Infinity;

  /** Throws a `RangeError` naming the option for a bad value. */
  constructor(options: SlidingSumOptions) {
    const buckets = options.buckets ?? 60;
    if (!Number.isFinite(options.windowMs) || options.windowMs <= 0) {
      throw new RangeError(
        `windowMs must be a positive number, got ${options.windowMs}`,
      );
    }
    if (!Number.isInteger(buckets) || buckets < 1) {
      throw new RangeError(
        `buckets must be a positive integer, got ${buckets}`,
      );
    }
    this.#bucketMs = options.windowMs / buckets;
    this.#indexes = new Array(buckets).fill(-Infinity);
    this.#sums = new Float64Array(buckets);
  }

  /**
   * Adds `amount` at epoch `t`. Samples that arrive late are still counted
   * while their bucket is inside the window; older ones are ignored.
   */
  add(t: number, amount: number): void {
    if (!Number.isFinite(t) || !Number.isFinite(amount)) return;
    const index = Math.floor(t / this.#bucketMs);
    const size = this.#sums.length;
    if (index <= this.#latest - size) return;
    const slot = ((index % size) + size) % size;
    if (this.#indexes[slot] !== index) {
      this.#indexes[slot] = index;
      this.#sums[slot] = 0;
    }
    this.#sums[slot] += amount;
    if (index > this.#latest) this.#latest = index;
  }

  /** The sum of the samples in the window ending at epoch `t`. */
  total(t: number): number {
    const current = Math.floor(t / this.#bucketMs);
    const oldest = current - this.#sums.length;
    let sum = 0;
    for (let slot = 0; slot < this.#sums.length; slot++) {
      const index = this.#indexes[slot];
      if (index > oldest && index <= current) sum += this.#sums[slot];
    }
    return sum;
  }
}
