/**
 * Client-side validation of a whale threshold typed by an operator, the same
 * rules the server applies (positive, finite, at most 10^13 USDT) so most
 * mistakes are caught before a request; the server still decides. Accepts
 * `50000000`, `50,000,000`, `50M`, `1.5b`, `$250k`.
 */

/** Largest threshold the server accepts, USDT. */
export const MAX_THRESHOLD_USDT = 1e13;

/** Presets offered as buttons, USDT. */
export const THRESHOLD_PRESETS: readonly number[] = [
  1_000_000,
  5_000_000,
  10_000_000,
  25_000_000,
  50_000_000,
  100_000_000,
];

/** The parsed amount, or why it is not acceptable. */
export type ThresholdInput =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly detail: string };

const SUFFIX: Readonly<Record<string, number>> = {
  k: 1e3,
  m: 1e6,
  b: 1e9,
  t: 1e12,
};
const AMOUNT = /^\$?\s*(\d+(?:\.\d+)?|\.\d+)\s*([kmbt])?\s*(?:usdt)?$/i;

/** Parses and validates the operator's input. */
export function parseThresholdInput(raw: string): ThresholdInput {
  const text = raw.trim().replaceAll(",", "").replaceAll("_", "");
  if (text === "") return { ok: false, detail: "Enter an amount in USDT" };
  const match = AMOUNT.exec(text);
  if (!match) {
    return {
      ok: false,
      detail: "Use digits with an optional K, M or B suffix",
    };
  }
  const value = Number(match[1]) *
    (match[2] ? SUFFIX[match[2].toLowerCase()] : 1);
  if (!Number.isFinite(value)) {
    return { ok: false, detail: "The amount is too large" };
  }
  if (value <= 0) {
    return { ok: false, detail: "The threshold must be positive" };
  }
  if (value > MAX_THRESHOLD_USDT) {
    return {
      ok: false,
      detail: "The threshold may be at most 10,000,000,000,000 USDT",
    };
  }
  return { ok: true, value };
}
