/**
 * Validation of symbol ids arriving in paths and query strings: the exact
 * character class and length first (400), then membership (404). Matching is
 * case-insensitive; the canonical id is returned so rooms never split by case.
 */
import {
  CHANNEL_ID_PATTERN,
  MAX_CHANNEL_ID_LENGTH,
} from "../market/tracked_symbol.ts";
import { HttpError } from "../web/mod.ts";

/** Canonical channel ids by their upper-case form. */
export type SymbolTable = ReadonlyMap<string, string>;

/** Builds the lookup table for {@linkcode resolveSymbol}. */
export function symbolTable(ids: readonly string[]): SymbolTable {
  return new Map(ids.map((id) => [id.toUpperCase(), id]));
}

/**
 * The canonical channel id for `raw`, or an HttpError: 400 when it is not
 * 1–32 characters of `[A-Za-z0-9-]`, 404 when no such symbol is tracked.
 */
export function resolveSymbol(raw: string, table: SymbolTable): string {
  if (
    raw.length === 0 || raw.length > MAX_CHANNEL_ID_LENGTH ||
    !CHANNEL_ID_PATTERN.test(raw)
  ) {
    throw new HttpError(
      400,
      "invalid_symbol",
      `A symbol is 1 to ${MAX_CHANNEL_ID_LENGTH} letters, digits or dashes, e.g. BTC-USDT`,
    );
  }
  const id = table.get(raw.toUpperCase());
  if (id === undefined) {
    throw new HttpError(
      404,
      "unknown_symbol",
      `${raw} is not tracked; tracked symbols: ${listed(table)}`,
    );
  }
  return id;
}

/** Most ids a 404 names; a whole market's listing would be kilobytes. */
const LISTED_IDS = 10;

function listed(table: SymbolTable): string {
  const ids: string[] = [];
  for (const id of table.values()) {
    if (ids.length === LISTED_IDS) {
      return `${ids.join(", ")} and ${table.size - LISTED_IDS} more`;
    }
    ids.push(id);
  }
  return ids.join(", ");
}
