/**
 * Where price-level alerts are stored, with their audit entries beside them:
 * Deno KV (`kv_price_alert_backend.ts`) or Redis with `STREAM_ENGINE=redis`
 * (`redis_price_alert_backend.ts`), so every instance of a shared engine
 * sees the same alerts. The store (`price_alert_store.ts`) owns the rules —
 * ids, times, the audit entry's content, one write at a time — and a backend
 * commits each write in one atomic step: the alert and its audit entry
 * together, a create only while the bounds hold (checked in that same step,
 * so two instances creating at once cannot pass them), and the armed state
 * only under the leader's fence.
 */
import type { CrossingState } from "../alerts/price_crossing.ts";
import type { PriceAlert } from "../protocol/price_alerts.ts";
import type { ThresholdChange } from "./threshold_store.ts";

/** A price alert as stored: `armed` is null until a first price was seen. */
export interface StoredPriceAlert extends Omit<PriceAlert, "armed"> {
  readonly armed: CrossingState;
}

/** The bounds a create must keep. */
export interface PriceAlertLimits {
  /** Most alerts on one symbol. */
  readonly perSymbol: number;
  /** Most alerts in all. */
  readonly total: number;
}

/** What a create did: stored, or refused by a bound. */
export type CreateOutcome = "created" | "symbol-limit" | "total-limit";

/** Storage of price alerts and their audit entries. */
export interface PriceAlertBackend {
  /** Every stored alert (any order). */
  list(): Promise<StoredPriceAlert[]>;
  /** Stores `alert` and `audit` atomically unless a bound would be passed. */
  create(
    alert: StoredPriceAlert,
    audit: ThresholdChange,
    limits: PriceAlertLimits,
  ): Promise<CreateOutcome>;
  /** Deletes `alert` and stores `audit` atomically; false when it was gone. */
  remove(alert: StoredPriceAlert, audit: ThresholdChange): Promise<boolean>;
  /**
   * Replaces `alert` with `updated` (its armed state) if it is still stored
   * as `alert` and — where the backend is fenced — this instance leads;
   * false otherwise.
   */
  replace(
    alert: StoredPriceAlert,
    updated: StoredPriceAlert,
  ): Promise<boolean>;
}

/** Whether `value` has the shape of a {@linkcode StoredPriceAlert}. */
export function isStoredPriceAlert(value: unknown): value is StoredPriceAlert {
  if (typeof value !== "object" || value === null) return false;
  const a = value as Partial<StoredPriceAlert>;
  return typeof a.id === "string" && typeof a.symbol === "string" &&
    typeof a.price === "number" && Number.isFinite(a.price) && a.price > 0 &&
    (a.direction === "above" || a.direction === "below") &&
    typeof a.created === "string" &&
    (a.armed === null || typeof a.armed === "boolean");
}

/** Which bound `alerts` plus one more on `symbol` would pass, if any. */
export function passedBound(
  alerts: readonly Pick<StoredPriceAlert, "symbol">[],
  symbol: string,
  limits: PriceAlertLimits,
): Exclude<CreateOutcome, "created"> | undefined {
  if (alerts.length >= limits.total) return "total-limit";
  const same = alerts.filter((a) => a.symbol === symbol).length;
  return same >= limits.perSymbol ? "symbol-limit" : undefined;
}
