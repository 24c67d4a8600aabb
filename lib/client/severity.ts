/**
 * Severity labels of whale alerts, as the original dashboard named them:
 * ≥ 50 M USDT "MEGA WHALE", ≥ 15 M "HEAVY ACCUMULATION", else "LARGE SPIKE".
 */

/** A severity level and its label. */
export interface Severity {
  readonly level: "mega" | "heavy" | "large";
  readonly label: string;
}

/** Notional (USDT) at or above which an alert is a MEGA WHALE. */
export const MEGA_WHALE_USDT = 50_000_000;
/** Notional (USDT) at or above which an alert is HEAVY ACCUMULATION. */
export const HEAVY_ACCUMULATION_USDT = 15_000_000;

/** The severity of an alert with `notional` USDT. */
export function severityOf(notional: number): Severity {
  if (notional >= MEGA_WHALE_USDT) {
    return { level: "mega", label: "MEGA WHALE" };
  }
  if (notional >= HEAVY_ACCUMULATION_USDT) {
    return { level: "heavy", label: "HEAVY ACCUMULATION" };
  }
  return { level: "large", label: "LARGE SPIKE" };
}
