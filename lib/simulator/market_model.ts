/**
 * The simulated spot market: every listed symbol advanced in lockstep, one
 * step per 50 ms of simulated time, from one seed.
 *
 * Pure and transport-free: the caller says what time it is (`advanceTo`) and
 * reads tickers and trades. The REST handler and a WebSocket pusher can share
 * one instance; reads never draw random numbers, so the number of readers
 * does not change the market. The same seed, start and sequence of
 * `advanceTo` times give the same output, byte for byte.
 */
import { SeededRandom } from "./prng.ts";
import { formatSpotTicker, type SpotTickerItem } from "./spot_ticker.ts";
import { DEFAULT_SYMBOL_SPECS, type SymbolSpec } from "./symbol_specs.ts";
import type { SymbolKlines } from "./symbol_klines.ts";
import { SymbolMarket } from "./symbol_market.ts";
import {
  DEFAULT_TAPE_CAPACITY,
  type SimTrade,
  TradeTape,
} from "./trade_tape.ts";

/** Options of {@linkcode SimMarket}. */
export interface SimMarketOptions {
  /** Epoch ms at which the simulation starts (step 0). */
  readonly startMs: number;
  /** Seed of every random draw. Default 42. */
  readonly seed?: number;
  /** Simulated ms per step. Default 50 (Bybit's spot ticker push rate). */
  readonly stepMs?: number;
  /** Listed symbols. Default {@linkcode DEFAULT_SYMBOL_SPECS}. */
  readonly specs?: readonly SymbolSpec[];
  /**
   * Most steps one `advanceTo` runs. A longer gap (a laptop waking up) is
   * skipped: the market resumes where it was, shifted in time, instead of
   * computing hours of steps inside one request. Default 12,000 (10 min).
   */
  readonly maxCatchUpSteps?: number;
  /** Trades kept for {@linkcode SimMarket.tradesSince}. Default 4,096. */
  readonly tapeCapacity?: number;
}

/** A deterministic simulated spot market. */
export class SimMarket {
  #startMs: number;
  #stepMs: number;
  #maxCatchUp: number;
  #steps = 0;
  #skippedMs = 0;
  #symbols: SymbolMarket[];
  #bySymbol: Map<string, SymbolMarket>;
  #tape: TradeTape;

  /** Throws a `RangeError` naming the option for a bad value. */
  constructor(options: SimMarketOptions) {
    const seed = options.seed ?? 42;
    const stepMs = options.stepMs ?? 50;
    const maxCatchUp = options.maxCatchUpSteps ?? 12_000;
    const specs = options.specs ?? DEFAULT_SYMBOL_SPECS;
    if (!Number.isFinite(options.startMs)) {
      throw new RangeError(`startMs must be finite, got ${options.startMs}`);
    }
    if (!Number.isInteger(stepMs) || stepMs < 1) {
      throw new RangeError(`stepMs must be a positive integer, got ${stepMs}`);
    }
    if (!Number.isInteger(maxCatchUp) || maxCatchUp < 1) {
      throw new RangeError(
        `maxCatchUpSteps must be a positive integer, got ${maxCatchUp}`,
      );
    }
    if (new Set(specs.map((s) => s.symbol)).size !== specs.length) {
      throw new RangeError("specs must not list a symbol twice");
    }
    this.#startMs = Math.floor(options.startMs);
    this.#stepMs = stepMs;
    this.#maxCatchUp = maxCatchUp;
    this.#tape = new TradeTape(options.tapeCapacity ?? DEFAULT_TAPE_CAPACITY);
    // One forked stream per symbol: a symbol's walk does not depend on how
    // many trades its neighbours drew.
    const root = new SeededRandom(seed);
    const walks = specs.map(() => root.fork());
    this.#symbols = specs.map((spec, i) =>
      new SymbolMarket({
        spec,
        random: walks[i],
        stepMs,
        startMs: this.#startMs,
        historyRandom: root.fork(),
      })
    );
    this.#bySymbol = new Map(this.#symbols.map((s) => [s.spec.symbol, s]));
  }

  /** Epoch ms the market has reached. */
  get time(): number {
    return this.#startMs + this.#skippedMs + this.#steps * this.#stepMs;
  }

  /** Steps taken since the start. */
  get steps(): number {
    return this.#steps;
  }

  /** Listed symbols, in listing order. */
  get symbols(): string[] {
    return this.#symbols.map((s) => s.spec.symbol);
  }

  /** Sequence number of the newest trade (0 before the first). */
  get lastTradeSeq(): number {
    return this.#tape.lastSeq;
  }

  /** Advances exactly one step. */
  step(): void {
    this.#steps++;
    const simulatedMs = this.#steps * this.#stepMs;
    const wallMs = this.time;
    for (const symbol of this.#symbols) {
      symbol.step(simulatedMs, wallMs, this.#tape);
    }
  }

  /**
   * Runs every whole step up to epoch `ms` and returns how many ran. Earlier
   * times do nothing: the market never goes back.
   */
  advanceTo(ms: number): number {
    let due = Math.floor((ms - this.time) / this.#stepMs);
    if (!(due > 0)) return 0;
    if (due > this.#maxCatchUp) {
      this.#skippedMs += (due - this.#maxCatchUp) * this.#stepMs;
      due = this.#maxCatchUp;
    }
    for (let i = 0; i < due; i++) this.step();
    return due;
  }

  /** Whether `symbol` is listed. */
  lists(symbol: string): boolean {
    return this.#bySymbol.has(symbol);
  }

  /** The ticker of one listed symbol, or `undefined` if it is not listed. */
  ticker(symbol: string): SpotTickerItem | undefined {
    const market = this.#bySymbol.get(symbol);
    return market && formatSpotTicker(market.spec, market.quote());
  }

  /**
   * Moves one listed symbol's price to `price` (see `SymbolMarket.setPrice`).
   * Throws a `RangeError` for an unlisted symbol or a bad price.
   */
  setPrice(symbol: string, price: number): void {
    const market = this.#bySymbol.get(symbol);
    if (!market) throw new RangeError(`${symbol} is not listed`);
    market.setPrice(price);
  }

  /** The spec of one listed symbol, if it is listed. */
  spec(symbol: string): SymbolSpec | undefined {
    return this.#bySymbol.get(symbol)?.spec;
  }

  /** Candles of one listed symbol (history and live), if it is listed. */
  klines(symbol: string): SymbolKlines | undefined {
    return this.#bySymbol.get(symbol)?.klines;
  }

  /** Tickers of every listed symbol, in listing order. */
  tickers(): SpotTickerItem[] {
    return this.#symbols.map((m) => formatSpotTicker(m.spec, m.quote()));
  }

  /**
   * Trades after sequence `seq`, oldest first (ascending in time per
   * symbol). Bounded by the tape: a reader too far behind sees a gap.
   */
  tradesSince(seq: number): SimTrade[] {
    return this.#tape.since(seq);
  }
}
