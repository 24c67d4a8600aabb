/**
 * The trades tape on the stream: public trades the service already ingests,
 * pushed to sockets that ask for them (`/ws/stream?…&trades=1`), one frame per
 * symbol and push cycle. Derived data like candles: no `seq`, no replay.
 */

/** One public trade as the tape shows it. */
export interface TapeTrade {
  /** The exchange's trade id. */
  readonly id: string;
  /** Exchange time, epoch ms. */
  readonly ts: number;
  /** Taker side. */
  readonly side: "Buy" | "Sell";
  readonly price: number;
  /** Base-asset size. */
  readonly size: number;
  /** `price × size`, USDT. */
  readonly notional: number;
}

/** Trades of one symbol, oldest first. */
export interface TradesFrame {
  readonly type: "trades";
  readonly symbol: string;
  readonly trades: readonly TapeTrade[];
}
