/**
 * The newest publish-to-delivery latencies in a fixed window, for the
 * `/metrics` quantiles and the diagnostics' `lag_ms`. A fixed array, so
 * memory stays the same however long the service runs; quantiles sort a copy
 * (only when scraped, never on the delivery path).
 */

/** Quantiles of the window, ms; null before the first sample. */
export interface LatencyQuantiles {
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  /** Samples in the window. */
  readonly count: number;
}

/** A ring of the newest latency samples. */
export class LatencyWindow {
  #samples: Float64Array;
  #next = 0;
  #size = 0;
  #last: number | null = null;

  /** `capacity`: samples kept (default 2 048). */
  constructor(capacity = 2_048) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `capacity must be a positive integer, got ${capacity}`,
      );
    }
    this.#samples = new Float64Array(capacity);
  }

  /** The newest sample, ms, or null. */
  get last(): number | null {
    return this.#last;
  }

  /** Records one latency, ms (negative clock skew counts as 0). */
  add(ms: number): void {
    const value = Math.max(0, ms);
    this.#samples[this.#next] = value;
    this.#next = (this.#next + 1) % this.#samples.length;
    this.#size = Math.min(this.#size + 1, this.#samples.length);
    this.#last = value;
  }

  /** p50, p99 and max of the window. */
  quantiles(): LatencyQuantiles {
    if (this.#size === 0) return { p50: null, p99: null, max: null, count: 0 };
    const sorted = this.#samples.slice(0, this.#size).sort();
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return {
      p50: at(0.5),
      p99: at(0.99),
      max: sorted[sorted.length - 1],
      count: this.#size,
    };
  }
}
