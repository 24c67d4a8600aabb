/**
 * Synthetic listings for demos and the benchmark (`SIM_SYMBOLS=600`): any
 * number of made-up spot pairs beside the real-looking ones, each with its
 * own plausible price, decimals, volatility, turnover and trade rate, drawn
 * from the seed (the same seed lists the same market). Names are pronounceable
 * coins (`KORAVUSDT`), never a real listing's, so a screenshot cannot be
 * mistaken for Bybit's.
 *
 * Also the spec of a symbol listed at runtime (the control endpoint), made
 * from its name alone so listing it twice lists the same market.
 */
import { SeededRandom } from "./prng.ts";
import type { SymbolSpec } from "./symbol_specs.ts";

const ONSETS = [
  "B",
  "D",
  "F",
  "G",
  "K",
  "L",
  "M",
  "N",
  "P",
  "R",
  "S",
  "T",
  "V",
  "Z",
  "X",
  "Q",
];
const VOWELS = ["A", "E", "I", "O", "U"];

/**
 * Kline history of a synthetic symbol: a day and an hour of minutes (the 24 h
 * window is seeded from the last day of them; the service's backfill of a day
 * asks from the whole hour before it, as Bybit would answer for a market
 * listed long ago), no hours (a year of them for 600 pairs would take GBs).
 */
export const SYNTHETIC_KLINE_HISTORY = { minutes: 1_500, hours: 0 } as const;

/** Most synthetic symbols one simulator lists. */
export const MAX_SYNTHETIC_SYMBOLS = 5_000;

/** A pronounceable coin name: three syllables, made from `random`. */
function coinName(random: SeededRandom): string {
  let name = "";
  for (let i = 0; i < 3; i++) {
    name += ONSETS[Math.floor(random.next() * ONSETS.length)] +
      VOWELS[Math.floor(random.next() * VOWELS.length)];
  }
  return name;
}

/** A spec for `symbol` with parameters drawn from `random`. */
export function syntheticSpec(
  symbol: string,
  random: SeededRandom,
): SymbolSpec {
  const startPrice = random.logUniform(0.0005, 800);
  const magnitude = Math.floor(Math.log10(startPrice));
  // About five significant digits, as Bybit's tick sizes give.
  const priceDecimals = Math.min(8, Math.max(2, 4 - magnitude));
  const sizeDecimals = Math.min(4, Math.max(0, magnitude + 2));
  // Turnover around the default lines (whale 1 M, spike 80 k a minute):
  // crossings and spikes now and then, not a flood across hundreds of pairs.
  const turnoverMean = random.logUniform(150_000, 2_000_000);
  return {
    symbol,
    startPrice: Number(startPrice.toFixed(priceDecimals)),
    priceDecimals,
    sizeDecimals,
    dailyVolatility: random.uniform(0.03, 0.12),
    turnoverMean,
    // More trades where more is traded, so an ordinary trade stays small
    // (about 1 k USDT) and only whales pass the default trade line.
    tradesPerSecond: Math.min(4, Math.max(0.2, turnoverMean / 2_500_000)),
    whalesPerHour: random.uniform(0.1, 0.6),
    whaleNotional: [turnoverMean * 0.02, turnoverMean * 0.2],
    klineHistory: SYNTHETIC_KLINE_HISTORY,
  };
}

/**
 * `count` synthetic spot specs named `<COIN>USDT`, none of them in `taken`.
 * Throws a `RangeError` past {@linkcode MAX_SYNTHETIC_SYMBOLS}.
 */
export function syntheticSpecs(
  count: number,
  seed: number,
  taken: ReadonlySet<string> = new Set(),
): SymbolSpec[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_SYNTHETIC_SYMBOLS) {
    throw new RangeError(
      `count must be an integer from 0 to ${MAX_SYNTHETIC_SYMBOLS}, got ${count}`,
    );
  }
  const random = new SeededRandom(seed ^ 0x5e7_5eed);
  const names = new Set(taken);
  const specs: SymbolSpec[] = [];
  while (specs.length < count) {
    const symbol = `${coinName(random)}USDT`;
    if (names.has(symbol)) continue;
    names.add(symbol);
    specs.push(syntheticSpec(symbol, random.fork()));
  }
  return specs;
}

/**
 * A 32-bit seed from a symbol's name and `seed` (FNV-1a style): the same
 * name always draws the same stream.
 */
export function nameSeed(symbol: string, seed: number): number {
  let hash = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < symbol.length; i++) {
    hash = Math.imul(hash ^ symbol.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash;
}

/** The spec of a symbol listed at runtime: drawn from its name and `seed`. */
export function specForName(symbol: string, seed: number): SymbolSpec {
  return syntheticSpec(symbol, new SeededRandom(nameSeed(symbol, seed)));
}
