/**
 * Price alerts in Deno KV: one key per alert, `["price_alert", id]`, and a
 * version key every create and delete moves, so a create that read the
 * alerts to check the bounds commits only if nobody created or deleted one
 * meanwhile (another instance on the same KV, an isolate on Deploy);
 * otherwise it reads again. Audit entries go to the threshold trail's keys
 * in the same commit. With the KV stream engine the armed state is written
 * only under the leader's fence (the lease's versionstamp).
 */
import { kvAuditKey } from "./kv_threshold_backend.ts";
import {
  type CreateOutcome,
  isStoredPriceAlert,
  passedBound,
  type PriceAlertBackend,
  type PriceAlertLimits,
  type StoredPriceAlert,
} from "./price_alert_backend.ts";
import type { ThresholdChange } from "./threshold_store.ts";

const PREFIX = "price_alert";
const VERSION_KEY = ["price_alert_version"];
/** Commits tried before a write that keeps conflicting is given up. */
const ATTEMPTS = 20;

/** A short random pause after losing a race, so two writers fall out of step. */
function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, Math.random() * 5 * attempt)
  );
}

/** Options of {@linkcode KvPriceAlertBackend}. */
export interface KvPriceAlertBackendOptions {
  /**
   * The check that fences an armed-state write to the leader (the KV
   * engine's `fenceCheck` of the lease held now), undefined while this
   * instance does not lead. Without it those writes are not fenced.
   */
  readonly fence?: () => Deno.AtomicCheck | undefined;
}

/** {@linkcode PriceAlertBackend} on Deno KV. */
export class KvPriceAlertBackend implements PriceAlertBackend {
  #kv: Deno.Kv;
  #fence: (() => Deno.AtomicCheck | undefined) | undefined;

  /** Stores in `kv` (the caller keeps ownership). */
  constructor(kv: Deno.Kv, options: KvPriceAlertBackendOptions = {}) {
    this.#kv = kv;
    this.#fence = options.fence;
  }

  async list(): Promise<StoredPriceAlert[]> {
    const alerts: StoredPriceAlert[] = [];
    for await (const entry of this.#kv.list({ prefix: [PREFIX] })) {
      if (isStoredPriceAlert(entry.value)) alerts.push(entry.value);
    }
    return alerts;
  }

  async create(
    alert: StoredPriceAlert,
    audit: ThresholdChange,
    limits: PriceAlertLimits,
  ): Promise<CreateOutcome> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const version = await this.#kv.get<number>(VERSION_KEY);
      const bound = passedBound(await this.list(), alert.symbol, limits);
      if (bound) return bound;
      const key = [PREFIX, alert.id];
      const result = await this.#kv.atomic()
        .check(version, { key, versionstamp: null })
        .set(key, alert)
        .set(kvAuditKey(audit.id), audit)
        .set(VERSION_KEY, (version.value ?? 0) + 1)
        .commit();
      if (result.ok) return "created";
      await backoff(attempt);
    }
    throw new Error("The price alert was not created: writes kept conflicting");
  }

  async remove(
    alert: StoredPriceAlert,
    audit: ThresholdChange,
  ): Promise<boolean> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const [stored, version] = await this.#kv.getMany<[unknown, number]>([
        [PREFIX, alert.id],
        VERSION_KEY,
      ]);
      if (stored.versionstamp === null) return false;
      const result = await this.#kv.atomic()
        .check(stored, version)
        .delete(stored.key)
        .set(kvAuditKey(audit.id), audit)
        .set(VERSION_KEY, (version.value ?? 0) + 1)
        .commit();
      if (result.ok) return true;
      await backoff(attempt);
    }
    throw new Error("The price alert was not deleted: writes kept conflicting");
  }

  async replace(
    alert: StoredPriceAlert,
    updated: StoredPriceAlert,
  ): Promise<boolean> {
    const fence = this.#fence?.();
    if (this.#fence && !fence) return false;
    const stored = await this.#kv.get<StoredPriceAlert>([PREFIX, alert.id]);
    if (stored.value?.armed !== alert.armed) return false;
    const op = this.#kv.atomic().check(stored).set(stored.key, updated);
    if (fence) op.check(fence);
    return (await op.commit()).ok;
  }
}
