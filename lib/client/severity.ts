/**
 * How serious an alert is, relative to the line it crossed: a $1.6M trade on
 * a pair whose trade line is $50K is news; the same trade on BTC is not. The
 * original's fixed tiers ($15M / $50M) labelled every trade alert the same,
 * since single trades never reach them. Every kind is judged by
 * `notional / threshold`; a price-level alert has no size, so it is its own
 * label.
 */

/** Severity levels, quietest first. */
export type SeverityLevel = "notable" | "large" | "extreme" | "level";

/** A level, its label and the multiple of the line that set it. */
export interface Severity {
  readonly level: SeverityLevel;
  readonly label: string;
  /** `notional / threshold`, or null when it has no meaning. */
  readonly ratio: number | null;
}

/** Multiples of the line at or above which an alert is LARGE and EXTREME. */
export const SEVERITY_MULTIPLES = { large: 5, extreme: 20 } as const;

/** What severity is judged from (an alert frame has all of it). */
export interface SeverityInput {
  readonly kind: string;
  readonly notional: number;
  readonly threshold: number;
}

/** The severity of `alert`: ≥ 20× its line EXTREME, ≥ 5× LARGE, else NOTABLE. */
export function severityOf(alert: SeverityInput): Severity {
  if (alert.kind === "price_level") {
    return { level: "level", label: "PRICE LEVEL", ratio: null };
  }
  const ratio = alert.threshold > 0 ? alert.notional / alert.threshold : null;
  if (ratio !== null && ratio >= SEVERITY_MULTIPLES.extreme) {
    return { level: "extreme", label: "EXTREME", ratio };
  }
  if (ratio !== null && ratio >= SEVERITY_MULTIPLES.large) {
    return { level: "large", label: "LARGE", ratio };
  }
  return { level: "notable", label: "NOTABLE", ratio };
}

/** `3.2×`, `48×`, `1,250×`: a ratio to its line. */
export function formatMultiple(ratio: number): string {
  if (!Number.isFinite(ratio)) return "—";
  return `${
    ratio >= 10 ? Math.round(ratio).toLocaleString("en-US") : ratio.toFixed(1)
  }×`;
}
