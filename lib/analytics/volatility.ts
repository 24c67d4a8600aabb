/**
 * Volatility measures of the 24 h band. Inputs come from the network, so every
 * function answers with a finite number even for NaN, Infinity or negatives.
 */
import type { VolatilityTier } from "../protocol/frames.ts";

/**
 * Volatility spread `(high − low) / low × 100`, in percent.
 * Returns 0 when `low ≤ 0` (the original's zero-division guard), when any input
 * is not finite, or when the band is inverted.
 */
export function volatilitySpread(high: number, low: number): number {
  if (!Number.isFinite(high) || !Number.isFinite(low) || low <= 0) return 0;
  if (high < low) return 0;
  return ((high - low) / low) * 100;
}

/** Spread above which a market is ACTIVE, in percent. */
export const ACTIVE_SPREAD = 2.5;
/** Spread above which a market is ELEVATED, in percent. */
export const ELEVATED_SPREAD = 5;

/** Tier of a spread: ELEVATED above 5 %, ACTIVE above 2.5 %, else STABLE. */
export function volatilityTier(spread: number): VolatilityTier {
  if (spread > ELEVATED_SPREAD) return "ELEVATED";
  if (spread > ACTIVE_SPREAD) return "ACTIVE";
  return "STABLE";
}

/**
 * Where `price` sits in the 24 h band, 0 (at the low) to 100 (at the high),
 * clamped. A flat or invalid band answers 50, the honest "middle".
 */
export function rangePosition(
  price: number,
  high: number,
  low: number,
): number {
  if (
    !Number.isFinite(price) || !Number.isFinite(high) ||
    !Number.isFinite(low) || high <= low
  ) {
    return 50;
  }
  const position = ((price - low) / (high - low)) * 100;
  return Math.min(100, Math.max(0, position));
}
