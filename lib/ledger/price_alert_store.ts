/**
 * Price-level alerts that survive restarts, with an audit entry for every
 * create and delete (kind `price_alert`, the caller's IP) in the threshold
 * audit trail — each written in one atomic step with the alert itself, on a
 * {@linkcode PriceAlertBackend} (Deno KV, or Redis beside a Redis stream
 * engine, where every instance sees the same alerts). Also kept: whether
 * each alert is armed, so a restart neither fires an alert again nor
 * forgets that it fired.
 *
 * The alerts are held in memory too, for synchronous reads (the page's
 * first paint, the rules): `refresh()` reads them again when another
 * instance changed them; `listStored()` reads the backend itself.
 *
 * Bounded: at most {@linkcode MAX_PRICE_ALERTS_PER_SYMBOL} per symbol and
 * {@linkcode MAX_PRICE_ALERTS} in all, checked by the backend in the same
 * step as the create; every tick is judged against the alerts of its
 * symbol, so the bound is also a bound on that work.
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
import type {
  PriceAlertBackend,
  StoredPriceAlert,
} from "./price_alert_backend.ts";
import type { ThresholdStore } from "./threshold_store.ts";

export type { StoredPriceAlert } from "./price_alert_backend.ts";

/** Most price alerts on one symbol. */
export const MAX_PRICE_ALERTS_PER_SYMBOL = 20;
/** Most price alerts in all. */
export const MAX_PRICE_ALERTS = 100;

/** The alert as the API shows it (no reference price yet counts as armed). */
export function publicPriceAlert(alert: StoredPriceAlert): PriceAlert {
  return { ...alert, armed: alert.armed !== false };
}

/** Every alert of `alerts`, oldest first. */
function oldestFirst(alerts: Iterable<StoredPriceAlert>): StoredPriceAlert[] {
  return [...alerts].sort((a, b) =>
    a.created.localeCompare(b.created) || a.id.localeCompare(b.id)
  );
}

/** Options of {@linkcode PriceAlertStore.open}. */
export interface PriceAlertStoreOptions {
  readonly backend: PriceAlertBackend;
  /** Where creates and deletes are audited. */
  readonly audit: Pick<ThresholdStore, "audited">;
  /** Time of creation. Default {@linkcode systemClock}. */
  readonly clock?: Clock;
}

/** Price alerts in memory, persisted in a {@linkcode PriceAlertBackend}. */
export class PriceAlertStore {
  #backend: PriceAlertBackend;
  #audit: Pick<ThresholdStore, "audited">;
  #clock: Clock;
  #alerts: Map<string, StoredPriceAlert>;
  /** Writes run one at a time, so each reads what the last one left. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    options: PriceAlertStoreOptions,
    alerts: readonly StoredPriceAlert[],
  ) {
    this.#backend = options.backend;
    this.#audit = options.audit;
    this.#clock = options.clock ?? systemClock;
    this.#alerts = new Map(alerts.map((a) => [a.id, a]));
  }

  /** Loads the stored alerts. */
  static async open(options: PriceAlertStoreOptions): Promise<PriceAlertStore> {
    return new PriceAlertStore(options, await options.backend.list());
  }

  /** Every alert as last read or written here, oldest first. */
  list(): StoredPriceAlert[] {
    return oldestFirst(this.#alerts.values());
  }

  /** Every alert as stored now (another instance's writes included). */
  async listStored(): Promise<StoredPriceAlert[]> {
    return oldestFirst(await this.#backend.list());
  }

  /** One alert, if it exists (as last read or written here). */
  get(id: string): StoredPriceAlert | undefined {
    return this.#alerts.get(id);
  }

  /** Reads the stored alerts again (another instance changed them). */
  refresh(): Promise<StoredPriceAlert[]> {
    return this.#serial(async () => {
      const alerts = await this.#backend.list();
      this.#alerts = new Map(alerts.map((a) => [a.id, a]));
      return this.list();
    });
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
      const alert: StoredPriceAlert = {
        id: crypto.randomUUID(),
        symbol: request.symbol,
        price: request.price,
        direction: request.direction,
        created: new Date(this.#clock.now()).toISOString(),
        armed,
      };
      await this.#audit.audited({
        symbol: alert.symbol,
        kind: "price_alert",
        action: "create",
        alert_id: alert.id,
        direction: alert.direction,
        previous: 0,
        threshold: alert.price,
        actor_ip: actorIp,
      }, async (change) => {
        const outcome = await this.#backend.create(alert, change, {
          perSymbol: MAX_PRICE_ALERTS_PER_SYMBOL,
          total: MAX_PRICE_ALERTS,
        });
        if (outcome === "total-limit") {
          throw new PriceAlertLimitError("in all", MAX_PRICE_ALERTS);
        }
        if (outcome === "symbol-limit") {
          throw new PriceAlertLimitError(
            `on ${request.symbol}`,
            MAX_PRICE_ALERTS_PER_SYMBOL,
          );
        }
        return true;
      });
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
      // Another instance may have created it: read what is stored.
      const alert = this.#alerts.get(id) ??
        (await this.#backend.list()).find((a) => a.id === id);
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
      }, async (change) => {
        if (await this.#backend.remove(alert, change)) return true;
        this.#alerts.delete(id);
        throw new PriceAlertNotFoundError(id);
      });
      this.#alerts.delete(id);
      return alert;
    });
  }

  /**
   * Records that an alert fired (false) or re-armed (true); gone ones are
   * skipped, and so is the write where this instance no longer leads.
   * Resolves with whether it was written.
   */
  setArmed(id: string, armed: boolean): Promise<boolean> {
    return this.#serial(async () => {
      const alert = this.#alerts.get(id);
      if (!alert || alert.armed === armed) return false;
      const updated = { ...alert, armed };
      if (!await this.#backend.replace(alert, updated)) return false;
      this.#alerts.set(id, updated);
      return true;
    });
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }
}
