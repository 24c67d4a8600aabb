/**
 * The viewer's preferences (selected symbol, chime, chart window and style,
 * pairs muted in the ledger) in localStorage. Storage is user-controlled
 * input: every field is validated on read and anything unknown falls back to
 * its default, so a stale or edited entry cannot break the page.
 */
import {
  type ChartWindow,
  DEFAULT_CHART_WINDOW,
  isChartWindow,
} from "./chart_windows.ts";

/** How the chart draws prices. */
export type ChartStyle = "candles" | "line";

/** Saved preferences. */
export interface Preferences {
  /** Undefined when none (or an untracked one) was saved. */
  readonly symbol?: string;
  /** Alert chime on; off unless the user turned it on. */
  readonly chime: boolean;
  readonly window: ChartWindow;
  readonly style: ChartStyle;
  /** Pairs whose alerts are hidden from the ledger and never chime. */
  readonly muted: readonly string[];
}

/** The storage key. */
export const PREFERENCES_KEY = "sats-sentinel:prefs:v1";

/** Defaults: no symbol, chime muted, an hour of candles, nothing muted. */
export const DEFAULT_PREFERENCES: Preferences = {
  chime: false,
  window: DEFAULT_CHART_WINDOW,
  style: "candles",
  muted: [],
};

/** Reads and validates preferences; `symbols` are the tracked ones. */
export function readPreferences(
  storage: Pick<Storage, "getItem"> | undefined,
  symbols: readonly string[],
): Preferences {
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(PREFERENCES_KEY) ?? "null");
  } catch {
    return DEFAULT_PREFERENCES;
  }
  if (typeof raw !== "object" || raw === null) return DEFAULT_PREFERENCES;
  const record = raw as Record<string, unknown>;
  return {
    symbol: typeof record.symbol === "string" && symbols.includes(record.symbol)
      ? record.symbol
      : undefined,
    chime: record.chime === true,
    window: isChartWindow(record.window)
      ? record.window
      : DEFAULT_PREFERENCES.window,
    style: record.style === "line" ? "line" : "candles",
    muted: Array.isArray(record.muted)
      ? symbols.filter((symbol) => (record.muted as unknown[]).includes(symbol))
      : [],
  };
}

/** Saves preferences; storage errors (quota, private mode) are ignored. */
export function writePreferences(
  storage: Pick<Storage, "setItem"> | undefined,
  preferences: Preferences,
): void {
  try {
    storage?.setItem(PREFERENCES_KEY, JSON.stringify(preferences));
  } catch {
    // Preferences are a convenience; the page works without them.
  }
}
