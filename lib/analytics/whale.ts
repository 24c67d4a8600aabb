/**
 * Whale activity: 24 h turnover at or above a per-symbol threshold. The level
 * is reported on every tick; alerts fire only on its rising edge, so a market
 * that stays above the line does not flood the ledger as the original did.
 */

/**
 * True when `volume` (24 h turnover, USDT) is at or above `threshold`.
 * Non-finite or non-positive thresholds never match: a broken threshold must
 * not turn every tick into a whale.
 */
export function isWhaleActivity(volume: number, threshold: number): boolean {
  if (!Number.isFinite(volume) || !Number.isFinite(threshold)) return false;
  if (threshold <= 0) return false;
  return volume >= threshold;
}

/**
 * Rising-edge detector for whale activity per symbol. The first observation of
 * a symbol only arms the detector: a service restart must not re-announce a
 * market that was already above its threshold.
 */
export class WhaleEdgeDetector {
  #above = new Map<string, boolean>();

  /** Records the level for `symbol`; true only when it just crossed upward. */
  observe(symbol: string, isWhale: boolean): boolean {
    const previous = this.#above.get(symbol);
    this.#above.set(symbol, isWhale);
    return previous === false && isWhale;
  }

  /** Forgets `symbol`, e.g. after its threshold changed. */
  reset(symbol: string): void {
    this.#above.delete(symbol);
  }
}
