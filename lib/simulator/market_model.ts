/**
 * One simulated market (spot, or USDT perpetuals): every listed symbol
 * advanced in lockstep, one step per 50 ms of simulated time, from one seed.
 * A perpetual adds mark and index prices, open interest, funding and
 * liquidations to its symbol's walk (`perp_state.ts`).
 *
 * Pure and transport-free: the caller says what time it is (`advanceTo`) and
 * reads tickers and trades. The REST handler and a WebSocket pusher can share
 * one instance; reads never draw random numbers, so the number of readers
 * does not change the market. The same seed, start and sequence of
 * `advanceTo` times give the same output, byte for byte.
 *
 * Listings change at runtime (`list`, `delist`): a symbol listed later walks
 * from its own stream, seeded by its name, so the others are unaffected.
 */
import { SeededRandom } from "./prng.ts";
import { formatSpotTicker, type SpotTickerItem } from "./spot_ticker.ts";
import { formatLinearTicker, type LinearTickerItem } from "./linear_ticker.ts";
import { PerpState, type SimLiquidationDraft } from "./perp_state.ts";
import { SequencedTape } from "./sequenced_tape.ts";
import { nameSeed } from "./synthetic_specs.ts";
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
  /** `spot` (default) or `linear`: perpetuals with contract fields and liquidations. */
  readonly category?: "spot" | "linear";
}

/** A ticker item of either market, as Bybit sends it. */
export type TickerItem = SpotTickerItem | LinearTickerItem;

/** A simulated liquidation, numbered by the tape. */
export interface SimLiquidation extends SimLiquidationDraft {
  /** Sequence over all symbols, from 1, without gaps. */
  readonly seq: number;
}

/** Liquidations kept for {@linkcode SimMarket.liquidationsSince}. */
const LIQUIDATION_TAPE_CAPACITY = 1_024;

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
  #seed: number;
  #category: "spot" | "linear";
  #perps = new Map<string, PerpState>();
  #liquidations = new SequencedTape<SimLiquidation>(LIQUIDATION_TAPE_CAPACITY);

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
    this.#seed = seed;
    this.#category = options.category ?? "spot";
    // One forked stream per symbol: a symbol's walk does not depend on how
    // many trades its neighbours drew.
    const root = new SeededRandom(seed);
    const walks = specs.map(() => root.fork());
    this.#symbols = [];
    this.#bySymbol = new Map();
    specs.forEach((spec, i) => this.#add(spec, walks[i], root.fork()));
  }

  /** Which market this is. */
  get category(): "spot" | "linear" {
    return this.#category;
  }

  /**
   * Lists `spec` from now on (a new listing); its walk is seeded by its
   * name. Returns false when it is listed already.
   */
  list(spec: SymbolSpec): boolean {
    if (this.#bySymbol.has(spec.symbol)) return false;
    this.#add(
      spec,
      new SeededRandom(nameSeed(spec.symbol, this.#seed ^ 1)),
      new SeededRandom(nameSeed(spec.symbol, this.#seed ^ 3)),
    );
    return true;
  }

  /** Delists `symbol`; returns false when it was not listed. */
  delist(symbol: string): boolean {
    const market = this.#bySymbol.get(symbol);
    if (market === undefined) return false;
    this.#bySymbol.delete(symbol);
    this.#perps.delete(symbol);
    this.#symbols = this.#symbols.filter((m) => m !== market);
    return true;
  }

  #add(
    spec: SymbolSpec,
    random: SeededRandom,
    historyRandom: SeededRandom,
  ): void {
    const market = new SymbolMarket({
      spec,
      random,
      stepMs: this.#stepMs,
      startMs: this.#startMs,
      historyRandom,
    });
    this.#symbols.push(market);
    this.#bySymbol.set(spec.symbol, market);
    if (this.#category === "linear") {
      // Its own stream: perpetual state never shifts the price walk.
      const perp = new SeededRandom(nameSeed(spec.symbol, this.#seed ^ 2));
      this.#perps.set(spec.symbol, new PerpState(spec, perp));
    }
  }

  /** The listed symbols' specs, in listing order. */
  specs(): SymbolSpec[] {
    return this.#symbols.map((s) => s.spec);
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
      const perp = this.#perps.get(symbol.spec.symbol);
      if (perp === undefined) continue;
      for (const draft of perp.step(this.#stepMs, wallMs, symbol.price)) {
        this.#liquidations.append(draft);
      }
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
  ticker(symbol: string): TickerItem | undefined {
    const market = this.#bySymbol.get(symbol);
    return market && this.#format(market);
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
  tickers(): TickerItem[] {
    return this.#symbols.map((m) => this.#format(m));
  }

  #format(market: SymbolMarket): TickerItem {
    const perp = this.#perps.get(market.spec.symbol);
    return perp === undefined
      ? formatSpotTicker(market.spec, market.quote())
      : formatLinearTicker(market.spec, market.quote(), perp.quote(this.time));
  }

  /**
   * Adds a liquidation of `symbol` now, as given (for tests and demos: a
   * large one on demand, or an absurd one a client must reject). Returns
   * false when the market does not list `symbol`.
   */
  injectLiquidation(
    symbol: string,
    side: "Buy" | "Sell",
    price: string,
    size: string,
  ): boolean {
    if (!this.#perps.has(symbol)) return false;
    this.#liquidations.append({
      time: this.time,
      symbol,
      side,
      price,
      size,
      notional: Number(price) * Number(size),
    });
    return true;
  }

  /** Sequence number of the newest liquidation (0 before the first). */
  get lastLiquidationSeq(): number {
    return this.#liquidations.lastSeq;
  }

  /** Liquidations after sequence `seq`, oldest first (bounded like trades). */
  liquidationsSince(seq: number): SimLiquidation[] {
    return this.#liquidations.since(seq);
  }

  /**
   * Trades after sequence `seq`, oldest first (ascending in time per
   * symbol). Bounded by the tape: a reader too far behind sees a gap.
   */
  tradesSince(seq: number): SimTrade[] {
    return this.#tape.since(seq);
  }
}
