/**
 * The rolling 24 h price window of one symbol, kept as one-minute bars in a
 * fixed ring: `highPrice24h`, `lowPrice24h` and `prevPrice24h` are read from it.
 *
 * The high and low always include the latest price, so `low ≤ price ≤ high`
 * holds by construction (and survives rounding, which is monotonic). The
 * maximum over the closed bars is recomputed once per minute, not per step:
 * 1,440 reads a simulated minute is nothing, a per-step scan would be.
 */

/** Minutes in the window. */
export const WINDOW_MINUTES = 1440;

/** One closed minute of history. */
export interface MinuteBar {
  readonly open: number;
  readonly high: number;
  readonly low: number;
}

/** Rolling 24 h high, low and opening price over one-minute bars. */
export class PriceWindow {
  #open = new Float64Array(WINDOW_MINUTES).fill(NaN);
  #high = new Float64Array(WINDOW_MINUTES).fill(NaN);
  #low = new Float64Array(WINDOW_MINUTES).fill(NaN);
  #minute: number;
  #closedHigh = -Infinity;
  #closedLow = Infinity;

  /**
   * Starts at `minute` (any integer minute index) with `price`. `history`
   * holds the bars just before it, oldest first; only the last 1,439 are
   * kept, as the current minute completes the day.
   */
  constructor(minute: number, price: number, history: readonly MinuteBar[]) {
    this.#minute = minute;
    const kept = history.slice(-(WINDOW_MINUTES - 1));
    kept.forEach((bar, i) => {
      const slot = this.#slot(minute - kept.length + i);
      this.#open[slot] = bar.open;
      this.#high[slot] = bar.high;
      this.#low[slot] = bar.low;
    });
    this.#fillBar(minute, price);
    this.#closeBars();
  }

  /** Records `price` at `minute`; a later minute closes the bars before it. */
  update(minute: number, price: number): void {
    if (minute > this.#minute) {
      // A gap of more than a day leaves nothing of the old window.
      const first = Math.max(this.#minute + 1, minute - WINDOW_MINUTES + 1);
      for (let m = first; m <= minute; m++) this.#fillBar(m, price);
      this.#minute = minute;
      this.#closeBars();
    }
    const slot = this.#slot(this.#minute);
    if (price > this.#high[slot]) this.#high[slot] = price;
    if (price < this.#low[slot]) this.#low[slot] = price;
  }

  /** Highest price of the last 24 h, the latest included. */
  get high(): number {
    return Math.max(this.#closedHigh, this.#high[this.#slot(this.#minute)]);
  }

  /** Lowest price of the last 24 h, the latest included. */
  get low(): number {
    return Math.min(this.#closedLow, this.#low[this.#slot(this.#minute)]);
  }

  /** Opening price of the oldest bar in the window: the price 24 h ago. */
  get openPrice(): number {
    for (let age = WINDOW_MINUTES - 1; age > 0; age--) {
      const open = this.#open[this.#slot(this.#minute - age)];
      if (!Number.isNaN(open)) return open;
    }
    return this.#open[this.#slot(this.#minute)];
  }

  #fillBar(minute: number, price: number): void {
    const slot = this.#slot(minute);
    this.#open[slot] = price;
    this.#high[slot] = price;
    this.#low[slot] = price;
  }

  /** Recomputes the extremes of every bar but the current one. */
  #closeBars(): void {
    const slot = this.#slot(this.#minute);
    this.#closedHigh = -Infinity;
    this.#closedLow = Infinity;
    for (let i = 0; i < WINDOW_MINUTES; i++) {
      if (i === slot || Number.isNaN(this.#high[i])) continue;
      if (this.#high[i] > this.#closedHigh) this.#closedHigh = this.#high[i];
      if (this.#low[i] < this.#closedLow) this.#closedLow = this.#low[i];
    }
  }

  #slot(minute: number): number {
    return ((minute % WINDOW_MINUTES) + WINDOW_MINUTES) % WINDOW_MINUTES;
  }
}
