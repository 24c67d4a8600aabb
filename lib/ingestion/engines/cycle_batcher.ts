/**
 * Gathers what the streams deliver — analysed ticks, trades, liquidations —
 * over one push cycle and hands it on at once: at whole-market scale the
 * upstream sends thousands of frames a second, and reporting each one would
 * cost a message across the worker boundary apiece (about 85 µs each). The
 * first item of a cycle arms one timer; when it fires, everything gathered
 * since goes out together, in arrival order within each kind. By default the
 * timer waits 0 ms: the frames the socket handed over together leave
 * together, and while the main thread is busy with a batch the batch gate
 * (`batch_gate.ts`) gathers the rest. A 10 ms window added its wait to every
 * tick for no CPU saved (`bench:market`: p50 4–12 ms and p99 4–22 ms higher,
 * CPU the same, in alternated runs).
 */
import type { Clock, TimerId } from "../../clock/clock.ts";
import type { MarketLiquidation } from "../../market/market_liquidation.ts";
import type { MarketTrade } from "../../market/market_trade.ts";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";

/** Default length of one gathering window, ms. */
export const DEFAULT_BATCH_MS = 0;

/** What one cycle gathered; each list may be empty, never all three. */
export interface CycleBatch {
  readonly ticks: AnalyzedTick[];
  readonly trades: MarketTrade[];
  readonly liquidations: MarketLiquidation[];
}

/** Options of {@linkcode CycleBatcher}. */
export interface CycleBatcherOptions {
  readonly clock: Clock;
  /** Length of one gathering window, ms. Default {@linkcode DEFAULT_BATCH_MS}. */
  readonly windowMs?: number;
  /** Receives each cycle's batch. */
  readonly flush: (batch: CycleBatch) => void;
}

/** One push cycle's worth of stream data, reported together. */
export class CycleBatcher {
  #options: CycleBatcherOptions;
  #windowMs: number;
  #ticks: AnalyzedTick[] = [];
  #trades: MarketTrade[] = [];
  #liquidations: MarketLiquidation[] = [];
  #timer: TimerId | undefined;
  #stopped = false;

  /** Throws a `RangeError` for a negative or non-finite window. */
  constructor(options: CycleBatcherOptions) {
    this.#windowMs = options.windowMs ?? DEFAULT_BATCH_MS;
    if (!(this.#windowMs >= 0 && Number.isFinite(this.#windowMs))) {
      throw new RangeError(`windowMs must be >= 0, got ${this.#windowMs}`);
    }
    this.#options = options;
  }

  /** Adds one analysed tick to the current cycle. */
  tick(tick: AnalyzedTick): void {
    this.#ticks.push(tick);
    this.#arm();
  }

  /** Adds analysed ticks (a REST poll) to the current cycle. */
  ticks(ticks: readonly AnalyzedTick[]): void {
    for (const tick of ticks) this.#ticks.push(tick);
    this.#arm();
  }

  /** Adds trades to the current cycle. */
  trades(trades: readonly MarketTrade[]): void {
    for (const trade of trades) this.#trades.push(trade);
    this.#arm();
  }

  /** Adds liquidations to the current cycle. */
  liquidations(liquidations: readonly MarketLiquidation[]): void {
    for (const liquidation of liquidations) {
      this.#liquidations.push(liquidation);
    }
    this.#arm();
  }

  /** Hands on what was gathered now (nothing when empty). */
  flush(): void {
    if (this.#timer !== undefined) {
      this.#options.clock.clearTimer(this.#timer);
      this.#timer = undefined;
    }
    if (
      this.#ticks.length === 0 && this.#trades.length === 0 &&
      this.#liquidations.length === 0
    ) return;
    const batch: CycleBatch = {
      ticks: this.#ticks,
      trades: this.#trades,
      liquidations: this.#liquidations,
    };
    this.#ticks = [];
    this.#trades = [];
    this.#liquidations = [];
    this.#options.flush(batch);
  }

  /** Drops what was gathered and arms nothing more. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) {
      this.#options.clock.clearTimer(this.#timer);
      this.#timer = undefined;
    }
    this.#ticks = [];
    this.#trades = [];
    this.#liquidations = [];
  }

  #arm(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = this.#options.clock.setTimer(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#windowMs);
  }
}
