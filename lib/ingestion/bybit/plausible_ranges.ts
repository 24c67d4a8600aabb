/**
 * The ranges upstream numbers must fall in to be believed. Bybit's schemas
 * check every price, size, turnover and change against them, so a broken or
 * hostile upstream (a price of 1e300, a turnover of 1e308) costs one
 * rejected item — counted, logged when its reason first appears — instead of
 * a tick that ends up in a chart, a history replay or a whale alert. The
 * bounds sit orders of magnitude beyond anything a real spot market shows,
 * so they never reject real data.
 */

/** Inclusive bounds of one kind of number. */
export interface PlausibleRange {
  readonly min: number;
  readonly max: number;
}

/** The documented ranges (README, Security). */
export const PLAUSIBLE = {
  /** Prices in the quote currency: BTC trades near 1e5 USDT. */
  price: { min: 0, max: 1e9 },
  /** Sizes and base volumes: a meme coin's daily volume is near 1e13 units. */
  size: { min: 0, max: 1e16 },
  /**
   * Turnover and trade notional in the quote currency: Bybit's whole daily
   * spot turnover is near 1e10 USDT.
   */
  turnover: { min: 0, max: 1e12 },
  /** 24 h change as a fraction: -100 % to +100,000 %. */
  change: { min: -1, max: 1000 },
  /** Times in epoch ms (a perpetual's next funding): up to the year 5138. */
  epochMs: { min: 0, max: 1e14 },
} as const satisfies Record<string, PlausibleRange>;

/** `n` as written in the ranges above (`1e9`, not `1000000000`). */
function short(n: number): string {
  return Math.abs(n) >= 1e6 ? n.toExponential().replace("e+", "e") : String(n);
}

/**
 * Why `value` is outside `range`, or undefined when it is inside. The text
 * never quotes the value, so a feed sending a different absurd number each
 * time keeps one reason, which the ingestion logs only when it changes.
 */
export function implausible(
  value: number,
  range: PlausibleRange,
): string | undefined {
  return value >= range.min && value <= range.max
    ? undefined
    : `outside the plausible range ${short(range.min)} to ${short(range.max)}`;
}
