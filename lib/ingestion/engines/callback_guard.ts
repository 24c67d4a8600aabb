/**
 * Calling the ingestion's consumers without letting them stop it: whatever a
 * consumer (tick, trade, liquidation or state handler, or the logger itself) throws is
 * reported and the loop goes on. Shared by the REST and WebSocket loops,
 * which report through an {@linkcode EngineReporter}.
 */
import type { LogLevel } from "../../config/config_schema.ts";
import type { MarketTrade } from "../../market/market_trade.ts";
import type { MarketLiquidation } from "../../market/market_liquidation.ts";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";
import { operatorSafeText } from "../bybit/upstream_error.ts";
import type {
  IngestCallbacks,
  LogFields,
  UpstreamState,
} from "./engine_contract.ts";

/** The logging callback the loops report through. */
export type LogCallback = (
  level: LogLevel,
  message: string,
  fields: LogFields,
) => void;

/** An error's message, made safe to show operators. */
export function describeError(error: unknown): string {
  return operatorSafeText(
    error instanceof Error ? error.message : String(error),
  );
}

/** Logs through `onLog`; a failing logger has nowhere left to report to. */
export function logSafely(
  onLog: LogCallback,
  level: LogLevel,
  message: string,
  fields: LogFields,
): void {
  try {
    onLog(level, message, fields);
  } catch {
    // Swallowed on purpose: ingestion must outlive its logger.
  }
}

/** Runs `consume`; a throw is logged as "`what` consumer failed". */
export function consumeSafely(
  what: "Tick" | "Trade" | "Liquidation" | "State",
  consume: () => void,
  onLog: LogCallback,
): void {
  try {
    consume();
  } catch (error) {
    logSafely(onLog, "error", `${what} consumer failed`, {
      message: describeError(error),
    });
  }
}

/** What an engine reports through; polling never yields trades or liquidations. */
export type ReportCallbacks =
  & Omit<IngestCallbacks, "onTrades" | "onLiquidations">
  & Partial<Pick<IngestCallbacks, "onTrades" | "onLiquidations">>;

/**
 * An engine's one way out: every tick batch, trade batch, state and log line
 * goes to its callback guarded as above, and nothing goes out once muted (an
 * engine mutes when it stops). Both engines report through one, so they
 * report alike.
 */
export class EngineReporter {
  readonly #callbacks: ReportCallbacks;
  readonly #state: () => UpstreamState;
  #muted = false;

  /** Reports to `callbacks`; `state` reads the state {@linkcode state} sends. */
  constructor(callbacks: ReportCallbacks, state: () => UpstreamState) {
    this.#callbacks = {
      onTicks: callbacks.onTicks,
      onTrades: callbacks.onTrades,
      onLiquidations: callbacks.onLiquidations,
      onState: callbacks.onState,
      onLog: callbacks.onLog,
    };
    this.#state = state;
  }

  /** Sends analysed ticks (never empty). */
  ticks(ticks: AnalyzedTick[]): void {
    if (this.#muted) return;
    const { onTicks, onLog } = this.#callbacks;
    consumeSafely("Tick", () => onTicks(ticks), onLog);
  }

  /** Sends public trades (never empty). */
  trades(trades: MarketTrade[]): void {
    const { onTrades, onLog } = this.#callbacks;
    if (this.#muted || onTrades === undefined) return;
    consumeSafely("Trade", () => onTrades(trades), onLog);
  }

  /** Sends liquidations (never empty). */
  liquidations(liquidations: MarketLiquidation[]): void {
    const { onLiquidations, onLog } = this.#callbacks;
    if (this.#muted || onLiquidations === undefined) return;
    consumeSafely("Liquidation", () => onLiquidations(liquidations), onLog);
  }

  /** Sends the engine's current state. */
  state(): void {
    if (this.#muted) return;
    const { onState, onLog } = this.#callbacks;
    consumeSafely("State", () => onState(this.#state()), onLog);
  }

  /** Logs one line. */
  log(level: LogLevel, message: string, fields: LogFields): void {
    if (this.#muted) return;
    logSafely(this.#callbacks.onLog, level, message, fields);
  }

  /** Sends nothing more, ever. */
  mute(): void {
    this.#muted = true;
  }
}
