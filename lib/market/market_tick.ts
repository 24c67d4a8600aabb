/**
 * The normalised view of one upstream ticker, whatever the source (REST poll,
 * exchange WebSocket, simulator). Numbers are finite; optional fields are
 * absent when the exchange sent `""` for them. A perpetual's tick carries
 * the contract fields too; a spot tick never does.
 */
export interface MarketTick {
  /** Channel id, e.g. `BTC-USDT` or `BTC-USDT-PERP`. */
  readonly symbol: string;
  /** Last traded price (`lastPrice`). */
  readonly price: number;
  /** 24 h high (`highPrice24h`). */
  readonly high: number;
  /** 24 h low (`lowPrice24h`). */
  readonly low: number;
  /** 24 h turnover in the quote coin, USDT (`turnover24h`). */
  readonly volume: number;
  /** 24 h change in percent (`price24hPcnt` × 100). */
  readonly change: number;
  /** 24 h volume in the base coin (`volume24h`), when sent. */
  readonly baseVolume?: number;
  /** Best bid and ask, when sent (REST, and linear streams). */
  readonly bid?: number;
  readonly ask?: number;
  /** Perpetuals: mark price (`markPrice`). */
  readonly markPrice?: number;
  /** Perpetuals: index price (`indexPrice`). */
  readonly indexPrice?: number;
  /** Perpetuals: open interest in contracts (`openInterest`). */
  readonly openInterest?: number;
  /** Perpetuals: open interest in USDT (`openInterestValue`). */
  readonly openInterestValue?: number;
  /** Perpetuals: current funding rate, a fraction (`fundingRate`). */
  readonly fundingRate?: number;
  /** Perpetuals: next funding time, epoch ms (`nextFundingTime`). */
  readonly nextFundingTime?: number;
  /** Exchange time of the snapshot, epoch ms. */
  readonly upstreamTs: number;
}

/** Where ticks come from, as shown to users and operators. */
export type TickSource = "rest" | "ws" | "simulator";
