/**
 * The symbols the simulator lists and the parameters of their markets.
 *
 * Turnover levels sit around the service's default whale thresholds (BTC 50 M,
 * ETH 20 M, SOL 5 M, others 1 M USDT) so that a demo sees them crossed now and
 * then; starting prices and decimals are those of Bybit spot in 2024.
 */

/** How one simulated spot market behaves. */
export interface SymbolSpec {
  /** Bybit spot symbol, e.g. `BTCUSDT`. */
  readonly symbol: string;
  /** Price at simulation start, in USDT. */
  readonly startPrice: number;
  /** Decimals of a price (the tick size is 10^-priceDecimals). */
  readonly priceDecimals: number;
  /** Decimals of a size in the base coin. */
  readonly sizeDecimals: number;
  /** Standard deviation of the log price over one day, e.g. 0.03 = 3 %. */
  readonly dailyVolatility: number;
  /** Long-run mean of `turnover24h`, in USDT. */
  readonly turnoverMean: number;
  /** Ordinary trades per second at normal activity. */
  readonly tradesPerSecond: number;
  /** Large single trades per hour at normal activity. */
  readonly whalesPerHour: number;
  /** Smallest and largest whale trade notional, in USDT. */
  readonly whaleNotional: readonly [min: number, max: number];
  /**
   * Depth of the kline history behind the start. Default 7 days of minutes
   * and 365 days of hours (about 2.8 MB a symbol); synthetic listings keep
   * one day of minutes, so hundreds of them fit in a demo's memory.
   */
  readonly klineHistory?: {
    readonly minutes: number;
    readonly hours: number;
  };
}

/** The default listing: the four tracked pairs plus two untracked ones. */
export const DEFAULT_SYMBOL_SPECS: readonly SymbolSpec[] = [
  {
    symbol: "BTCUSDT",
    startPrice: 60_000,
    priceDecimals: 2,
    sizeDecimals: 6,
    dailyVolatility: 0.025,
    turnoverMean: 52_000_000,
    tradesPerSecond: 8,
    whalesPerHour: 20,
    whaleNotional: [250_000, 2_500_000],
  },
  {
    symbol: "ETHUSDT",
    startPrice: 3_000,
    priceDecimals: 2,
    sizeDecimals: 5,
    dailyVolatility: 0.035,
    turnoverMean: 19_000_000,
    tradesPerSecond: 6,
    whalesPerHour: 20,
    whaleNotional: [100_000, 1_000_000],
  },
  {
    symbol: "SOLUSDT",
    startPrice: 150,
    priceDecimals: 2,
    sizeDecimals: 3,
    dailyVolatility: 0.05,
    turnoverMean: 4_800_000,
    tradesPerSecond: 4,
    whalesPerHour: 20,
    whaleNotional: [25_000, 250_000],
  },
  {
    symbol: "1000SATSUSDT",
    startPrice: 0.0003,
    priceDecimals: 7,
    sizeDecimals: 0,
    dailyVolatility: 0.08,
    turnoverMean: 1_000_000,
    tradesPerSecond: 2,
    whalesPerHour: 20,
    whaleNotional: [5_000, 50_000],
  },
  {
    symbol: "XRPUSDT",
    startPrice: 0.55,
    priceDecimals: 4,
    sizeDecimals: 2,
    dailyVolatility: 0.045,
    turnoverMean: 8_000_000,
    tradesPerSecond: 4,
    whalesPerHour: 12,
    whaleNotional: [40_000, 400_000],
  },
  {
    symbol: "DOGEUSDT",
    startPrice: 0.15,
    priceDecimals: 5,
    sizeDecimals: 1,
    dailyVolatility: 0.06,
    turnoverMean: 6_000_000,
    tradesPerSecond: 4,
    whalesPerHour: 12,
    whaleNotional: [30_000, 300_000],
  },
];

/**
 * The perpetuals listed by default: the majors of the spot listing (not
 * 1000SATS, which has none), each trading about three times its spot
 * turnover with whales twice the size, as on Bybit.
 */
export const DEFAULT_PERP_SPECS: readonly SymbolSpec[] = DEFAULT_SYMBOL_SPECS
  .filter((spec) => spec.symbol !== "1000SATSUSDT")
  .map(perpetualOf);

/** A pair's perpetual: three times its turnover, whales twice its size. */
export function perpetualOf(spec: SymbolSpec): SymbolSpec {
  return {
    ...spec,
    turnoverMean: spec.turnoverMean * 3,
    whaleNotional: [spec.whaleNotional[0] * 2, spec.whaleNotional[1] * 2],
  };
}
