/**
 * What the alert rules remember that a new leader must inherit, or it would
 * raise again what the old leader raised: each (symbol, kind)'s last firing
 * (cooldowns), each crossing's and spike's armed state (hysteresis), and the
 * trade ids already judged (the old leader's last trades may be replayed by
 * the exchange to the new one). Plain JSON, so every engine can store it.
 */
import type { AlertKind } from "../protocol/frames.ts";

/** Crossing state of one symbol: see `alert_engine.ts`. */
export type CrossingHandover = "unknown" | "armed" | "fired";

/** One symbol's alerting state. */
export interface SymbolHandover {
  readonly crossing: CrossingHandover;
  readonly spikeArmed: boolean;
  /** Epoch ms of the last alert raised per kind. */
  readonly lastFired: Partial<Record<AlertKind, number>>;
}

/** One price-level alert's state: see `price_level_rules.ts`. */
export interface PriceLevelHandover {
  /** Armed, fired (waiting to re-arm), or no reference price yet. */
  readonly armed: boolean | null;
  /** Epoch ms it last fired (its cooldown). */
  readonly lastFired?: number;
}

/** The whole state a leader hands over. */
export interface AlertHandover {
  /** Epoch ms the state was saved. */
  readonly savedAt: number;
  readonly symbols: Readonly<Record<string, SymbolHandover>>;
  /** Exchange trade ids judged most recently, oldest first (bounded). */
  readonly seenTrades: readonly string[];
  /** Price-level alerts by id (absent in state saved before they existed). */
  readonly priceLevels?: Readonly<Record<string, PriceLevelHandover>>;
}

/** Whether `value` has the shape of an {@linkcode AlertHandover}. */
export function isAlertHandover(value: unknown): value is AlertHandover {
  if (typeof value !== "object" || value === null) return false;
  const state = value as Partial<AlertHandover>;
  if (typeof state.savedAt !== "number") return false;
  if (!Array.isArray(state.seenTrades)) return false;
  if (!state.seenTrades.every((id) => typeof id === "string")) return false;
  if (typeof state.symbols !== "object" || state.symbols === null) {
    return false;
  }
  if (state.priceLevels !== undefined) {
    if (typeof state.priceLevels !== "object" || state.priceLevels === null) {
      return false;
    }
    const levels = Object.values(state.priceLevels);
    if (!levels.every((l) => [true, false, null].includes(l?.armed))) {
      return false;
    }
  }
  return Object.values(state.symbols).every((s) =>
    typeof s === "object" && s !== null &&
    ["unknown", "armed", "fired"].includes(s.crossing) &&
    typeof s.spikeArmed === "boolean" &&
    typeof s.lastFired === "object" && s.lastFired !== null
  );
}
