/**
 * The price-level alerts traders set, judged on every tick. Pure like the
 * alert engine: ticks go in, `price_level` drafts (for the store-then-push
 * pipeline) and the alerts whose armed state changed (to be persisted, so a
 * restart neither re-fires nor forgets a fired alert) come out.
 *
 * Each alert fires by `judgeCrossing` (once per crossing, re-armed by the
 * hysteresis), and a cooldown per alert (`ALERT_COOLDOWN_SECONDS`) limits
 * how often one alert can fire at all; what it suppresses is counted.
 */
import { type Clock, systemClock } from "../clock/clock.ts";
import type { PriceAlertDirection } from "../protocol/price_alerts.ts";
import type { AlertDraft } from "./alert_draft.ts";
import type { PriceLevelHandover } from "./alert_handover.ts";
import type { EngineTick } from "./alert_engine.ts";
import { type CrossingState, judgeCrossing } from "./price_crossing.ts";

/** One alert as the rules need it. */
export interface PriceLevel {
  readonly id: string;
  readonly symbol: string;
  /** The level. */
  readonly price: number;
  readonly direction: PriceAlertDirection;
  /** Armed, fired (disarmed), or no reference price yet. */
  readonly armed: CrossingState;
}

/** Options of {@linkcode PriceLevelRules}. */
export interface PriceLevelRulesOptions {
  /** Re-arm margin, a fraction of the level. Default 0.02. */
  readonly hysteresis?: number;
  /** Least time between two firings of one alert, ms. Default 30 000. */
  readonly cooldownMs?: number;
  /** Time of cooldowns and of `at`. Default {@linkcode systemClock}. */
  readonly clock?: Clock;
}

/** What one batch of ticks did. */
export interface PriceLevelOutcome {
  readonly drafts: AlertDraft[];
  /** Alerts whose armed state changed, with the new state. */
  readonly changed: { readonly id: string; readonly armed: boolean }[];
}

/** Price-level alerts raised and suppressed, per symbol. */
export interface PriceLevelStats {
  readonly raised: Readonly<Record<string, number>>;
  readonly suppressed: Readonly<Record<string, number>>;
}

interface Entry {
  alert: PriceLevel;
  lastFired?: number;
}

/** The set of price-level alerts and their states. */
export class PriceLevelRules {
  #entries = new Map<string, Entry>();
  #hysteresis: number;
  #cooldownMs: number;
  #clock: Clock;
  #raised: Record<string, number> = {};
  #suppressed: Record<string, number> = {};

  /** Throws a `RangeError` naming the option for a bad value. */
  constructor(options: PriceLevelRulesOptions = {}) {
    this.#hysteresis = options.hysteresis ?? 0.02;
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    if (!(this.#hysteresis >= 0 && this.#hysteresis < 1)) {
      throw new RangeError(
        `hysteresis must be a fraction from 0 up to 1, got ${this.#hysteresis}`,
      );
    }
    if (!(this.#cooldownMs >= 0)) {
      throw new RangeError(
        `cooldownMs must be a non-negative number, got ${this.#cooldownMs}`,
      );
    }
    this.#clock = options.clock ?? systemClock;
  }

  /** Adds or replaces an alert. */
  set(alert: PriceLevel): void {
    const entry = this.#entries.get(alert.id);
    this.#entries.set(alert.id, { ...entry, alert });
  }

  /** Forgets an alert. */
  remove(id: string): void {
    this.#entries.delete(id);
  }

  /** The current state of an alert, if it exists. */
  get(id: string): PriceLevel | undefined {
    return this.#entries.get(id)?.alert;
  }

  /** Judges every alert of each tick's symbol, in tick order. */
  observeTicks(ticks: readonly EngineTick[]): PriceLevelOutcome {
    const drafts: AlertDraft[] = [];
    const changed = new Map<string, boolean>();
    if (this.#entries.size === 0) return { drafts, changed: [] };
    for (const tick of ticks) {
      for (const entry of this.#entries.values()) {
        const { alert } = entry;
        if (alert.symbol !== tick.symbol) continue;
        const next = judgeCrossing(alert.armed, tick.price, {
          level: alert.price,
          direction: alert.direction,
          hysteresis: this.#hysteresis,
        });
        if (next.armed !== alert.armed) {
          entry.alert = { ...alert, armed: next.armed };
          changed.set(alert.id, next.armed);
        }
        if (next.fired) this.#fire(entry, tick, drafts);
      }
    }
    return {
      drafts,
      changed: [...changed].map(([id, armed]) => ({ id, armed })),
    };
  }

  /** Each alert's state, for the next leader (`alert_handover.ts`). */
  handover(): Record<string, PriceLevelHandover> {
    const states: Record<string, PriceLevelHandover> = {};
    for (const [id, { alert, lastFired }] of this.#entries) {
      states[id] = lastFired === undefined
        ? { armed: alert.armed }
        : { armed: alert.armed, lastFired };
    }
    return states;
  }

  /**
   * Takes the states the last leader saved. Where its state and the one
   * held here disagree, an alert counts as fired if either says so: a new
   * leader may miss a re-arm (the next price past the hysteresis re-arms
   * it), never fire twice for one crossing. The later firing time counts.
   */
  adopt(states: Readonly<Record<string, PriceLevelHandover>>): void {
    for (const [id, entry] of this.#entries) {
      const saved = states[id];
      if (!saved) continue;
      const held = entry.alert.armed;
      const armed = held === false || saved.armed === false
        ? false
        : held ?? saved.armed;
      entry.alert = { ...entry.alert, armed };
      if (saved.lastFired !== undefined) {
        entry.lastFired = Math.max(
          entry.lastFired ?? -Infinity,
          saved.lastFired,
        );
      }
    }
  }

  /** Alerts raised and suppressed so far, per symbol. */
  stats(): PriceLevelStats {
    return { raised: { ...this.#raised }, suppressed: { ...this.#suppressed } };
  }

  #fire(entry: Entry, tick: EngineTick, drafts: AlertDraft[]): void {
    const { alert } = entry;
    const now = this.#clock.now();
    if (
      entry.lastFired !== undefined && now - entry.lastFired < this.#cooldownMs
    ) {
      this.#suppressed[alert.symbol] = (this.#suppressed[alert.symbol] ?? 0) +
        1;
      return;
    }
    entry.lastFired = now;
    this.#raised[alert.symbol] = (this.#raised[alert.symbol] ?? 0) + 1;
    drafts.push({
      symbol: alert.symbol,
      kind: "price_level",
      price: tick.price,
      notional: tick.price,
      threshold: alert.price,
      direction: alert.direction,
      source: tick.source,
      at: now,
    });
  }
}
