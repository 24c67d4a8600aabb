/**
 * The per-symbol lines alerts are measured against. The whale line (24 h
 * turnover) predates alerting and also drives the tick's `is_whale` flag;
 * the trade, spike and liquidation lines exist only for alerts, the last one
 * for perpetuals only (spot has no liquidations). All are configured,
 * adjustable through the threshold API, persisted and audited.
 */
import type { AlertKind } from "../protocol/frames.ts";

/** Which line a threshold is: names as used in the audit trail. */
export type ThresholdKind = "whale" | "trade" | "spike" | "liquidation";

/** Every threshold kind, in display order. */
export const THRESHOLD_KINDS: readonly ThresholdKind[] = [
  "whale",
  "trade",
  "spike",
  "liquidation",
];

/** One symbol's lines, in USDT. */
export interface SymbolThresholds {
  /** 24 h turnover whose upward crossing raises `threshold_crossing`. */
  readonly whale: number;
  /** One trade's notional that raises `whale_trade`. */
  readonly trade: number;
  /** Notional traded within the spike window that raises `volume_spike`. */
  readonly spike: number;
  /** One liquidation's notional that raises `liquidation` (perpetuals only). */
  readonly liquidation?: number;
}

/**
 * The threshold kind an alert kind is judged by; null for `price_level`,
 * whose line is the level a trader set (carried in the alert's `threshold`).
 */
export const THRESHOLD_OF_ALERT: Readonly<
  Record<AlertKind, ThresholdKind | null>
> = {
  threshold_crossing: "whale",
  whale_trade: "trade",
  volume_spike: "spike",
  price_level: null,
  liquidation: "liquidation",
};
