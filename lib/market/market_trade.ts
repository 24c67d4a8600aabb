/**
 * One public trade, normalised from the exchange's `publicTrade.*` stream (or
 * the simulator's), for trade-level whale detection.
 */
export interface MarketTrade {
  /** Channel id, e.g. `BTC-USDT`. */
  readonly symbol: string;
  /** Exchange trade id (`i`). */
  readonly id: string;
  /** Trade time, epoch ms (`T`). */
  readonly time: number;
  readonly price: number;
  /** Size in the base coin (`v`). */
  readonly size: number;
  /** `price × size`, in the quote coin (USDT). */
  readonly notional: number;
  /** Taker side (`S`). */
  readonly side: "Buy" | "Sell";
  /** Exchange sequence (`seq`), when sent. */
  readonly seq?: number;
}
