/**
 * Price velocity: percent change per second between two consecutive ticks.
 */

/**
 * Percent change per second from `(previousPrice, previousTs)` to
 * `(price, ts)`. Equal or backwards timestamps, a non-positive previous price
 * or non-finite input answer 0 rather than Infinity or NaN.
 */
export function priceVelocity(
  previousPrice: number,
  previousTs: number,
  price: number,
  ts: number,
): number {
  const elapsedSeconds = (ts - previousTs) / 1000;
  if (
    !Number.isFinite(previousPrice) || !Number.isFinite(price) ||
    !Number.isFinite(elapsedSeconds) || previousPrice <= 0 ||
    elapsedSeconds <= 0
  ) {
    return 0;
  }
  return ((price - previousPrice) / previousPrice) * 100 / elapsedSeconds;
}
