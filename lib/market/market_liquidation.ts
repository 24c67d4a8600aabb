/**
 * One forced close of a perpetual position, normalised from the exchange's
 * `allLiquidation.*` stream (or the simulator's), for liquidation alerts.
 */
export interface MarketLiquidation {
  /** Channel id of the perpetual, e.g. `BTC-USDT-PERP`. */
  readonly symbol: string;
  /** Exchange time of the liquidation, epoch ms (`T`). */
  readonly time: number;
  /**
   * The liquidated position's side (`S`): `Buy` means a long position was
   * liquidated, `Sell` a short one.
   */
  readonly side: "Buy" | "Sell";
  /** Bankruptcy price (`p`). */
  readonly price: number;
  /** Executed size in the base coin (`v`). */
  readonly size: number;
  /** `price × size`, in USDT. */
  readonly notional: number;
}
