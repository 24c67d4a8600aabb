/**
 * Price-level alerts as the service runs them: the persisted, audited set
 * (`ledger/price_alert_store.ts`) and the rules that judge every tick
 * (`alerts/price_level_rules.ts`), kept in step. Firing yields drafts for
 * the same store-then-push pipeline as every other alert; armed-state
 * changes are persisted in the background.
 *
 * With a shared stream engine every instance sees the same stored set: a
 * change made on any instance is announced (`onChanged`) and every
 * instance reads the set again (`refresh`). Only the leader judges ticks;
 * its crossing states travel to the next leader in the engine's handover
 * state, and a follower's rules follow the stored states until it leads.
 */
import type { AlertDraft } from "../alerts/alert_draft.ts";
import type { PriceLevelHandover } from "../alerts/alert_handover.ts";
import type { Clock } from "../clock/clock.ts";
import type { EngineTick } from "../alerts/alert_engine.ts";
import { judgeCrossing } from "../alerts/price_crossing.ts";
import {
  PriceLevelRules,
  type PriceLevelStats,
} from "../alerts/price_level_rules.ts";
import type { PriceAlertBackend } from "../ledger/price_alert_backend.ts";
import {
  PriceAlertStore,
  publicPriceAlert,
} from "../ledger/price_alert_store.ts";
import type { ThresholdStore } from "../ledger/threshold_store.ts";
import type { Logger } from "../observability/logger.ts";
import type {
  PriceAlert,
  PriceAlertRequest,
  PriceAlertsResponse,
} from "../protocol/price_alerts.ts";

/** Options of {@linkcode PriceAlerts.open}. */
export interface PriceAlertsOptions {
  /** Where the alerts are stored (KV, or Redis beside a Redis engine). */
  readonly backend: PriceAlertBackend;
  /** The threshold store, whose audit trail records creates and deletes. */
  readonly audit: Pick<ThresholdStore, "audited">;
  /** Re-arm margin, a fraction of the level. */
  readonly hysteresis: number;
  /** Least time between two firings of one alert, ms. */
  readonly cooldownMs: number;
  readonly logger: Logger;
  /** Time of creation, cooldowns and alerts. Default {@linkcode systemClock}. */
  readonly clock?: Clock;
  /** Called after this instance changed the stored set (to announce it). */
  readonly onChanged?: () => void;
}

/** The running price-level alerts. */
export class PriceAlerts {
  #store: PriceAlertStore;
  #rules: PriceLevelRules;
  #options: PriceAlertsOptions;
  #leading = false;

  private constructor(
    options: PriceAlertsOptions,
    store: PriceAlertStore,
    rules: PriceLevelRules,
  ) {
    this.#options = options;
    this.#store = store;
    this.#rules = rules;
  }

  /** Loads the stored alerts into the rules. */
  static async open(options: PriceAlertsOptions): Promise<PriceAlerts> {
    const store = await PriceAlertStore.open(options);
    const rules = new PriceLevelRules({
      hysteresis: options.hysteresis,
      cooldownMs: options.cooldownMs,
      clock: options.clock,
    });
    for (const alert of store.list()) rules.set(alert);
    return new PriceAlerts(options, store, rules);
  }

  /** The alerts as last read, for the page's synchronous first paint. */
  list(): PriceAlertsResponse {
    return { price_alerts: this.#store.list().map(publicPriceAlert) };
  }

  /** `GET /api/price-alerts`: the alerts as stored now, on any instance. */
  async listStored(): Promise<PriceAlertsResponse> {
    const alerts = await this.#store.listStored();
    return { price_alerts: alerts.map(publicPriceAlert) };
  }

  /**
   * Creates an alert, armed unless `lastPrice` is already past its level
   * (then it waits for the hysteresis like one that fired). Throws a
   * `PriceAlertLimitError` past a bound.
   */
  async add(
    request: PriceAlertRequest,
    lastPrice: number | undefined,
    actorIp: string,
  ): Promise<PriceAlert> {
    const armed = lastPrice === undefined ? null : judgeCrossing(
      null,
      lastPrice,
      {
        level: request.price,
        direction: request.direction,
        hysteresis: this.#options.hysteresis,
      },
    ).armed;
    const alert = await this.#store.add(request, armed, actorIp);
    this.#rules.set(alert);
    this.#options.onChanged?.();
    this.#options.logger.info("Price alert created", {
      id: alert.id,
      symbol: alert.symbol,
      price: alert.price,
      direction: alert.direction,
      actor_ip: actorIp,
    });
    return publicPriceAlert(alert);
  }

  /** Deletes an alert; throws a `PriceAlertNotFoundError` for an unknown id. */
  async remove(id: string, actorIp: string): Promise<void> {
    const alert = await this.#store.remove(id, actorIp);
    this.#rules.remove(id);
    this.#options.onChanged?.();
    this.#options.logger.info("Price alert deleted", {
      id,
      symbol: alert.symbol,
      actor_ip: actorIp,
    });
  }

  /**
   * Reads the stored set again (another instance changed it): new alerts
   * join the rules, deleted ones leave; a follower also takes the stored
   * crossing states, which the leader owns.
   */
  async refresh(): Promise<void> {
    const stored = await this.#store.refresh();
    const ids = new Set(stored.map((a) => a.id));
    for (const id of Object.keys(this.#rules.handover())) {
      if (!ids.has(id)) this.#rules.remove(id);
    }
    for (const alert of stored) {
      if (!this.#leading || !this.#rules.get(alert.id)) this.#rules.set(alert);
    }
  }

  /** Whether this instance judges ticks (it leads the stream). */
  set leading(value: boolean) {
    this.#leading = value;
  }

  /** Judges ticks; returns the drafts to store and push. */
  observeTicks(ticks: readonly EngineTick[]): AlertDraft[] {
    const { drafts, changed } = this.#rules.observeTicks(ticks);
    for (const { id, armed } of changed) {
      this.#store.setArmed(id, armed).then((written) => {
        if (written) this.#options.onChanged?.();
      }, (error) =>
        this.#options.logger.warn("Price alert state not saved", {
          id,
          error,
        }));
    }
    return drafts;
  }

  /** Each alert's crossing state, for the next leader. */
  handover(): Record<string, PriceLevelHandover> {
    return this.#rules.handover();
  }

  /** Takes the crossing states the last leader saved. */
  adopt(states: Readonly<Record<string, PriceLevelHandover>>): void {
    this.#rules.adopt(states);
  }

  /** Alerts raised and suppressed, per symbol. */
  stats(): PriceLevelStats {
    return this.#rules.stats();
  }
}
