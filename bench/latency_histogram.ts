/**
 * A fixed-bucket, log-linear latency histogram in the spirit of HdrHistogram.
 *
 * The load generator records one sample per delivered tick — up to hundreds of
 * thousands per second — so recording must be O(1) without allocation, and the
 * memory must not grow with the sample count. Values below `2^precisionBits`
 * microseconds are exact; above that every power-of-two range is split into
 * `2^(precisionBits-1)` equal buckets, so any reported value is within
 * `1 / 2^(precisionBits-1)` (≈1.6 % by default) of the true one.
 */

/** Values must fit 31 bits so bucket maths stays in exact integer ops. */
const MAX_TRACKABLE = 2 ** 31 - 1;

/** Options of {@linkcode LatencyHistogram}. */
export interface LatencyHistogramOptions {
  /**
   * Largest value kept apart, in microseconds; bigger samples are clamped to
   * it (and still counted). Default 120,000,000 (two minutes).
   */
  readonly maxValueMicros?: number;
  /** Sub-bucket resolution in bits, from 4 to 12. Default 7 (≈1.6 % error). */
  readonly precisionBits?: number;
}

/** A summary of the recorded values, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly min_ms: number | null;
  readonly mean_ms: number | null;
  readonly p50_ms: number | null;
  readonly p90_ms: number | null;
  readonly p99_ms: number | null;
  readonly p999_ms: number | null;
  readonly max_ms: number | null;
}

/**
 * A histogram's samples as JSON (non-empty buckets only), so one load
 * generator process can hand them to the orchestrator, which merges the
 * histograms of several processes before reading percentiles.
 */
export interface HistogramData {
  /** `[bucket index, samples]` of every non-empty bucket, in index order. */
  readonly buckets: readonly (readonly [number, number])[];
  readonly count: number;
  readonly sum: number;
  /** Smallest and largest sample, µs; null when empty. */
  readonly min: number | null;
  readonly max: number | null;
}

/** Log-linear histogram of non-negative microsecond values. */
export class LatencyHistogram {
  #bits: number;
  #half: number;
  #maxValue: number;
  #counts: Float64Array;
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;

  /** Creates an empty histogram; see {@linkcode LatencyHistogramOptions}. */
  constructor(options: LatencyHistogramOptions = {}) {
    const { maxValueMicros = 120_000_000, precisionBits = 7 } = options;
    if (
      !Number.isInteger(maxValueMicros) || maxValueMicros < 1 ||
      maxValueMicros > MAX_TRACKABLE
    ) {
      throw new RangeError(
        `Cannot create histogram: maxValueMicros must be an integer from 1 to ${MAX_TRACKABLE}, got ${maxValueMicros}`,
      );
    }
    if (
      !Number.isInteger(precisionBits) || precisionBits < 4 ||
      precisionBits > 12
    ) {
      throw new RangeError(
        `Cannot create histogram: precisionBits must be an integer from 4 to 12, got ${precisionBits}`,
      );
    }
    this.#bits = precisionBits;
    this.#half = 2 ** (precisionBits - 1);
    this.#maxValue = maxValueMicros;
    this.#counts = new Float64Array(this.#indexOf(maxValueMicros) + 1);
  }

  /** Number of buckets, i.e. the fixed memory footprint in 8-byte slots. */
  get bucketCount(): number {
    return this.#counts.length;
  }

  /** Number of recorded samples. */
  get count(): number {
    return this.#count;
  }

  /** Records one sample in microseconds; negatives count as 0. */
  record(micros: number): void {
    let value = micros > 0 ? Math.floor(micros) : 0;
    if (value > this.#maxValue) value = this.#maxValue;
    this.#counts[this.#indexOf(value)]++;
    this.#count++;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  /** Adds every sample of `other` (same options) into this histogram. */
  merge(other: LatencyHistogram): void {
    if (other.#counts.length !== this.#counts.length) {
      throw new RangeError(
        "Cannot merge histograms created with different options",
      );
    }
    for (let i = 0; i < this.#counts.length; i++) {
      this.#counts[i] += other.#counts[i];
    }
    this.#count += other.#count;
    this.#sum += other.#sum;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
  }

  /** The samples as JSON; {@linkcode fromData} reads them back. */
  toData(): HistogramData {
    const buckets: [number, number][] = [];
    this.#counts.forEach((n, index) => {
      if (n > 0) buckets.push([index, n]);
    });
    const empty = this.#count === 0;
    return {
      buckets,
      count: this.#count,
      sum: this.#sum,
      min: empty ? null : this.#min,
      max: empty ? null : this.#max,
    };
  }

  /**
   * The histogram `data` (from {@linkcode toData}) describes, built with the
   * same `options`; a `RangeError` when a bucket lies outside them.
   */
  static fromData(
    data: HistogramData,
    options: LatencyHistogramOptions = {},
  ): LatencyHistogram {
    const histogram = new LatencyHistogram(options);
    for (const [index, n] of data.buckets) {
      if (
        !(Number.isInteger(index) && index >= 0) ||
        index >= histogram.#counts.length
      ) {
        throw new RangeError(
          `Cannot read histogram: bucket ${index} is outside these options`,
        );
      }
      histogram.#counts[index] += n;
    }
    histogram.#count = data.count;
    histogram.#sum = data.sum;
    histogram.#min = data.min ?? Infinity;
    histogram.#max = data.max ?? -Infinity;
    return histogram;
  }

  /**
   * The value at quantile `q` (0–1) in microseconds: the highest value the
   * bucket holding that rank can stand for, capped by the largest sample, so
   * percentiles are never understated. `null` when empty.
   */
  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) {
      throw new RangeError(`Quantile must be from 0 to 1, got ${q}`);
    }
    if (this.#count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i];
      if (seen >= rank) {
        return Math.max(this.#min, Math.min(this.#max, this.#highestIn(i)));
      }
    }
    return this.#max;
  }

  /** The usual percentiles, converted to milliseconds. */
  summary(): LatencySummary {
    const ms = (micros: number | null) =>
      micros === null ? null : Math.round(micros) / 1000;
    const empty = this.#count === 0;
    return {
      count: this.#count,
      min_ms: empty ? null : ms(this.#min),
      mean_ms: empty ? null : ms(this.#sum / this.#count),
      p50_ms: ms(this.quantile(0.5)),
      p90_ms: ms(this.quantile(0.9)),
      p99_ms: ms(this.quantile(0.99)),
      p999_ms: ms(this.quantile(0.999)),
      max_ms: empty ? null : ms(this.#max),
    };
  }

  #indexOf(value: number): number {
    const exact = 2 * this.#half;
    if (value < exact) return value;
    const msb = 31 - Math.clz32(value);
    const shift = msb - (this.#bits - 1);
    const sub = value >>> shift;
    return exact + (shift - 1) * this.#half + (sub - this.#half);
  }

  #highestIn(index: number): number {
    const exact = 2 * this.#half;
    if (index < exact) return index;
    const shift = Math.floor((index - exact) / this.#half) + 1;
    const sub = (index - exact) % this.#half + this.#half;
    return (sub + 1) * 2 ** shift - 1;
  }
}
