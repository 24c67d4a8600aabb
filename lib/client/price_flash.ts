/**
 * When the big price flashes: at most twice a second, in the direction of the
 * net move since the last flash. At 20 ticks a second the old card flashed
 * 8.8 times a second and alternated red and green 4.2 times — faster than
 * anyone reads, and close to the rates accessibility guidance warns about.
 */

/** Least time between two flashes, ms. */
export const FLASH_MIN_INTERVAL_MS = 500;

/** Decides, tick by tick, whether and which way to flash. */
export class FlashThrottle {
  #reference: { symbol: string; price: number } | undefined;
  #lastAt = -Infinity;

  /** The flash for a new price of `symbol` at time `now` (ms), or null. */
  next(symbol: string, price: number, now: number): "up" | "down" | null {
    const reference = this.#reference;
    if (!reference || reference.symbol !== symbol) {
      this.#reference = { symbol, price };
      return null;
    }
    if (now - this.#lastAt < FLASH_MIN_INTERVAL_MS) return null;
    if (price === reference.price || !Number.isFinite(price)) return null;
    this.#reference = { symbol, price };
    this.#lastAt = now;
    return price > reference.price ? "up" : "down";
  }
}
