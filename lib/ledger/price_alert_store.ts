/**
 * Price-level alerts that survive restarts, with an audit entry for every
 * create and delete (kind `price_alert`, the caller's IP) in the threshold
 * audit trail — each written in one atomic commit with the alert itself.
 * Also kept here: whether each alert is armed, so a restart neither fires
 * an alert again nor forgets that it fired.
 *
 * Bounded: at most {@linkcode MAX_PRICE_ALERTS_PER_SYMBOL} per symbol and
 * {@linkcode MAX_PRICE_ALERTS} in all; every tick is judged against the
 * alerts of its symbol, so the bound is also a bound on that work.
 */
import {
  PriceAlertLimitError,
  PriceAlertNotFoundError,
} from "../alerts/price_alert_errors.ts";
import type { CrossingState } from "../alerts/price_crossing.ts";
import { type Clock, systemClock } from "../clock/clock.ts";
import type {
  PriceAlert,
  PriceAlertRequest,
} from "../protocol/price_alerts.ts";
import type { ThresholdStore } from "./threshold_store.ts";

/** Most price alerts on one symbol. */
export const MAX_PRICE_ALERTS_PER_SYMBOL = 20;
/** Most price alerts in all. */
export const MAX_PRICE_ALERTS = 100;

/** A price alert as stored: `armed` is null until a first price was seen. */
export interface StoredPriceAlert extends Omit<PriceAlert, "armed"> {
  readonly armed: CrossingState;
}

const PREFIX = "price_alert";

/** The alert as the API shows it (no reference price yet counts as armed). */
export function publicPriceAlert(alert: StoredPriceAlert): PriceAlert {
  return { ...alert, armed: alert.armed !== false };
}

/** Options of {@linkcode PriceAlertStore.open}. */
export interface PriceAlertStoreOptions {
  readonly kv: Deno.Kv;
  /** Where creates and deletes are audited. */
  readonly audit: Pick<ThresholdStore, "audited">;
  /** Time of creation. Default {@linkcode systemClock}. */
  readonly clock?: Clock;
}

/** Price alerts in memory, persisted in KV. */
export class PriceAlertStore {
  #kv: Deno.Kv;
  #audit: Pick<ThresholdStore, "audited">;
  #clock: Clock;
  #alerts: Map<string, StoredPriceAlert>;
  /** Writes run one at a time, so the limits hold under concurrency. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    options: PriceAlertStoreOptions,
    alerts: Map<string, StoredPriceAlert>,
  ) {
    this.#kv = options.kv;
    this.#audit = options.audit;
    this.#clock = options.clock ?? systemClock;
    this.#alerts = alerts;
  }

  /** Loads the stored alerts. */
  static async open(options: PriceAlertStoreOptions): Promise<PriceAlertStore> {
    const alerts = new Map<string, StoredPriceAlert>();
    for await (
      const entry of options.kv.list<StoredPriceAlert>({ prefix: [PREFIX] })
    ) {
      if (isStored(entry.value)) alerts.set(entry.value.id, entry.value);
    }
    return new PriceAlertStore(options, alerts);
  }

  /** Every alert, oldest first. */
  list(): StoredPriceAlert[] {
    return [...this.#alerts.values()].sort((a, b) =>
      a.created.localeCompare(b.created) || a.id.localeCompare(b.id)
    );
  }

  /** One alert, if it exists. */
  get(id: string): StoredPriceAlert | undefined {
    return this.#alerts.get(id);
  }

  /**
   * Stores a new alert (armed as given) with its audit entry. Throws a
   * {@linkcode PriceAlertLimitError} past a bound.
   */
  add(
    request: PriceAlertRequest,
    armed: CrossingState,
    actorIp: string,
  ): Promise<StoredPriceAlert> {
    return this.#serial(async () => {
      const all = [...this.#alerts.values()];
      if (all.length >= MAX_PRICE_ALERTS) {
        throw new PriceAlertLimitError("in all", MAX_PRICE_ALERTS);
      }
      if (
        all.filter((a) => a.symbol === request.symbol).length >=
          MAX_PRICE_ALERTS_PER_SYMBOL
      ) {
        throw new PriceAlertLimitError(
          `on ${request.symbol}`,
          MAX_PRICE_ALERTS_PER_SYMBOL,
        );
      }
      const alert: StoredPriceAlert = {
        id: crypto.randomUUID(),
        symbol: request.symbol,
        price: request.price,
        direction: request.direction,
        created: new Date(this.#clock.now()).toISOString(),
        armed,
      };
      const key = [PREFIX, alert.id];
      await this.#audit.audited({
        symbol: alert.symbol,
        kind: "price_alert",
        action: "create",
        alert_id: alert.id,
        direction: alert.direction,
        previous: 0,
        threshold: alert.price,
        actor_ip: actorIp,
      }, (op) => op.check({ key, versionstamp: null }).set(key, alert));
      this.#alerts.set(alert.id, alert);
      return alert;
    });
  }

  /**
   * Deletes an alert with its audit entry; throws a
   * {@linkcode PriceAlertNotFoundError} for an unknown id.
   */
  remove(id: string, actorIp: string): Promise<StoredPriceAlert> {
    return this.#serial(async () => {
      const alert = this.#alerts.get(id);
      if (!alert) throw new PriceAlertNotFoundError(id);
      await this.#audit.audited({
        symbol: alert.symbol,
        kind: "price_alert",
        action: "delete",
        alert_id: alert.id,
        direction: alert.direction,
        previous: alert.price,
        threshold: 0,
        actor_ip: actorIp,
      }, (op) => op.delete([PREFIX, id]));
      this.#alerts.delete(id);
      return alert;
    });
  }

  /** Records that an alert fired (false) or re-armed (true); gone ones are skipped. */
  setArmed(id: string, armed: boolean): Promise<void> {
    return this.#serial(async () => {
      const alert = this.#alerts.get(id);
      if (!alert || alert.armed === armed) return;
      const updated = { ...alert, armed };
      const key = [PREFIX, id];
      const stored = await this.#kv.get(key);
      if (stored.versionstamp === null) return;
      const result = await this.#kv.atomic().check(stored).set(key, updated)
        .commit();
      if (result.ok) this.#alerts.set(id, updated);
    });
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }
}

function isStored(value: unknown): value is StoredPriceAlert {
  if (typeof value !== "object" || value === null) return false;
  const a = value as Partial<StoredPriceAlert>;
  return typeof a.id === "string" && typeof a.symbol === "string" &&
    typeof a.price === "number" && Number.isFinite(a.price) && a.price > 0 &&
    (a.direction === "above" || a.direction === "below") &&
    typeof a.created === "string" &&
    (a.armed === null || typeof a.armed === "boolean");
}
