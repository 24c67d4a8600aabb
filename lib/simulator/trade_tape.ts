/**
 * The simulated trades, newest kept in a bounded ring with contiguous sequence
 * numbers. Whoever advances the market (a REST request, a WebSocket push
 * timer), every reader picks up the trades it has not seen by sequence, so
 * the REST side never swallows trades a `publicTrade.*` stream should send.
 */
import { SequencedTape } from "./sequenced_tape.ts";

/** Taker side, as Bybit's `S` field. */
export type TradeSide = "Buy" | "Sell";

/** Price move against the previous trade, as Bybit's `L` field. */
export type TickDirection =
  | "PlusTick"
  | "ZeroPlusTick"
  | "MinusTick"
  | "ZeroMinusTick";

/** One simulated trade; strings are formatted as Bybit sends them. */
export interface SimTrade {
  /** Sequence over all symbols, from 1, without gaps. */
  readonly seq: number;
  /** Trade time, epoch ms (Bybit `T`). */
  readonly time: number;
  readonly symbol: string;
  readonly side: TradeSide;
  /** Price (Bybit `p`). */
  readonly price: string;
  /** Size in the base coin (Bybit `v`). */
  readonly size: string;
  readonly tickDirection: TickDirection;
  /** `price × size` in USDT: what trade-level whale detection looks at. */
  readonly notional: number;
}

/** Trades kept by default: a few seconds of every symbol at demo rates. */
export const DEFAULT_TAPE_CAPACITY = 4096;

/** A bounded, sequenced log of trades. */
export class TradeTape extends SequencedTape<SimTrade> {
  /** `capacity`: trades kept before the oldest is dropped. */
  constructor(capacity = DEFAULT_TAPE_CAPACITY) {
    super(capacity);
  }
}
