/**
 * Flow control across the worker boundary: the worker posts one `batch`
 * message and the next only once the main thread has taken it (an `ack`
 * comes back after the batch was handed to the service). While one is in
 * flight, what the engine reports gathers in the next batch, and a symbol's
 * tick replaces its older one there (each tick is the symbol's whole state):
 * a busy main thread then gets fewer, fresher ticks instead of a queue that
 * grows — in latency and in memory — for as long as it stays busy. Trades and
 * liquidations are events and are all kept. Replaced ticks are counted
 * (`ticksConflated`, added to the state reports).
 *
 * Order is kept: a state report leaves after every batch holding what it
 * counts (held back, the newest one only, while a batch is in flight). Logs
 * leave at once. Pure: `post` and `schedule` are injected, so the worker
 * entry stays a thin adapter and this runs in unit tests.
 */
import type { UpstreamState } from "../engines/engine_contract.ts";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";
import type { MarketTrade } from "../../market/market_trade.ts";
import type { MarketLiquidation } from "../../market/market_liquidation.ts";
import type { WorkerMessage } from "./worker_messages.ts";

/** The next batch, as it gathers. */
interface Gathering {
  readonly ticks: AnalyzedTick[];
  /** Index of each symbol's tick in `ticks`. */
  readonly at: Map<string, number>;
  readonly trades: MarketTrade[];
  readonly liquidations: MarketLiquidation[];
}

/** The worker's side of the batch flow. */
export class BatchGate {
  readonly #post: (message: WorkerMessage) => void;
  readonly #schedule: (callback: () => void) => void;
  #next: Gathering | undefined;
  #scheduled = false;
  #inFlight = false;
  #heldState: UpstreamState | undefined;
  /** Ticks taken in when the held state was reported. */
  #heldAt = 0;
  #received = 0;
  #conflated = 0;

  /**
   * `post` sends a message to the main thread; `schedule` runs a callback at
   * the end of the current turn (default `queueMicrotask`), when the turn's
   * reports leave as one batch.
   */
  constructor(
    post: (message: WorkerMessage) => void,
    schedule: (callback: () => void) => void = queueMicrotask,
  ) {
    this.#post = post;
    this.#schedule = schedule;
  }

  /** Ticks replaced by a newer one of their symbol so far. */
  get conflated(): number {
    return this.#conflated;
  }

  /** Whether a batch waits for the main thread's `ack`. */
  get inFlight(): boolean {
    return this.#inFlight;
  }

  /** Adds ticks to the next batch (newest per symbol while one is in flight). */
  ticks(ticks: readonly AnalyzedTick[]): void {
    const next = this.#gather();
    this.#received += ticks.length;
    for (const tick of ticks) {
      const index = this.#inFlight ? next.at.get(tick.symbol) : undefined;
      if (index === undefined) {
        next.at.set(tick.symbol, next.ticks.length);
        next.ticks.push(tick);
      } else {
        next.ticks[index] = tick;
        this.#conflated++;
      }
    }
  }

  /** Adds trades to the next batch (every one is kept). */
  trades(trades: readonly MarketTrade[]): void {
    const next = this.#gather();
    for (const trade of trades) next.trades.push(trade);
  }

  /** Adds liquidations to the next batch (every one is kept). */
  liquidations(liquidations: readonly MarketLiquidation[]): void {
    const next = this.#gather();
    for (const liquidation of liquidations) next.liquidations.push(liquidation);
  }

  /**
   * Reports state after the data it counts, with the conflation count. Held
   * while a batch is in flight; when it leaves, its `ticks` counter also
   * counts the ticks taken in since, which leave in the batch before it, so
   * `ticks` always equals the ticks delivered plus `ticksConflated`.
   */
  state(state: UpstreamState): void {
    if (this.#inFlight) {
      this.#heldState = state;
      this.#heldAt = this.#received;
      return;
    }
    this.#flush();
    this.#post({ type: "state", state: this.#counted(state, 0) });
  }

  /** Any other message (logs, `stopped`): at once. */
  other(message: WorkerMessage): void {
    this.#post(message);
  }

  /** The main thread took the batch in flight: the next may leave. */
  ack(): void {
    this.#inFlight = false;
    this.#flush();
  }

  /** Sends what is gathered and any held state now, acked or not (stopping). */
  drain(): void {
    this.#inFlight = false;
    this.#flush();
    this.#inFlight = false;
  }

  #gather(): Gathering {
    if (this.#next === undefined) {
      this.#next = { ticks: [], at: new Map(), trades: [], liquidations: [] };
    }
    if (!this.#scheduled && !this.#inFlight) {
      this.#scheduled = true;
      this.#schedule(() => {
        this.#scheduled = false;
        this.#flush();
      });
    }
    return this.#next;
  }

  #flush(): void {
    if (this.#inFlight) return;
    const next = this.#next;
    if (next !== undefined) {
      this.#next = undefined;
      this.#inFlight = true;
      this.#post({
        type: "batch",
        ticks: next.ticks,
        trades: next.trades,
        liquidations: next.liquidations,
      });
    }
    const held = this.#heldState;
    if (held !== undefined) {
      this.#heldState = undefined;
      this.#post({
        type: "state",
        state: this.#counted(held, this.#received - this.#heldAt),
      });
    }
  }

  #counted(state: UpstreamState, laterTicks: number): UpstreamState {
    return {
      ...state,
      counters: {
        ...state.counters,
        ticks: state.counters.ticks + laterTicks,
        ticksConflated: this.#conflated,
      },
    };
  }
}
