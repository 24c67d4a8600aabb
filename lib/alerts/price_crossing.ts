/**
 * When a price-level alert fires. Pure: the alert's state and the last price
 * go in, the next state and whether it fired come out.
 *
 * An alert is armed while the price is on the near side of its level. It
 * fires once when the price reaches the level in its direction (`above`: at
 * or above, `below`: at or below) and is then disarmed; it re-arms only once
 * the price has moved back past the level by the hysteresis (a fraction of
 * the level), so a price hovering at the level fires once, not on every
 * tick. An alert without a reference price yet (created before any tick)
 * only arms on its first price: a level the market is already past is not a
 * crossing.
 */
import type { PriceAlertDirection } from "../protocol/price_alerts.ts";

/** The level, its direction and the re-arm margin. */
export interface CrossingRule {
  readonly level: number;
  readonly direction: PriceAlertDirection;
  /** Re-arm margin as a fraction of the level (0.02 = 2 %), 0 ≤ h < 1. */
  readonly hysteresis: number;
}

/** Armed, disarmed (fired, waiting to re-arm), or no reference price yet. */
export type CrossingState = boolean | null;

/** The next state for `price`, and whether this price fired the alert. */
export function judgeCrossing(
  state: CrossingState,
  price: number,
  rule: CrossingRule,
): { readonly armed: boolean; readonly fired: boolean } {
  if (!Number.isFinite(price)) return { armed: state ?? false, fired: false };
  const reached = rule.direction === "above"
    ? price >= rule.level
    : price <= rule.level;
  if (state === null) return { armed: !reached, fired: false };
  if (state) return { armed: !reached, fired: reached };
  const back = rule.direction === "above"
    ? price < rule.level * (1 - rule.hysteresis)
    : price > rule.level * (1 + rule.hysteresis);
  return { armed: back, fired: false };
}
