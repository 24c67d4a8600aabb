/**
 * Client-side validation of a price level typed for a price alert: a
 * positive, finite number of USDT, commas allowed (`60,500.5`, `0.00035`).
 * The server validates again and decides.
 */

/** Largest level accepted, USDT (far above any traded price). */
export const MAX_PRICE_USDT = 1e12;

/** The parsed price, or why it is not acceptable. */
export type PriceInput =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly detail: string };

const PRICE = /^\$?\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:usdt)?$/i;

/** Parses and validates the typed price. */
export function parsePriceInput(raw: string): PriceInput {
  const text = raw.trim().replaceAll(",", "").replaceAll("_", "");
  if (text === "") return { ok: false, detail: "Enter a price in USDT" };
  const match = PRICE.exec(text);
  if (!match) return { ok: false, detail: "Use digits, e.g. 60500 or 0.00035" };
  const value = Number(match[1]);
  if (!(value > 0)) return { ok: false, detail: "The price must be positive" };
  if (value > MAX_PRICE_USDT) {
    return {
      ok: false,
      detail: "The price may be at most 1,000,000,000,000 USDT",
    };
  }
  return { ok: true, value };
}
