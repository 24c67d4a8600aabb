/**
 * The viewer's preferences (selected symbol, chime, chart window) in
 * localStorage. Storage is user-controlled input: every field is validated on
 * read and anything unknown falls back to its default, so a stale or edited
 * entry cannot break the page.
 */

/** Chart windows the selector offers, in ms. */
export const CHART_WINDOWS = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
} as const;

/** A chart window name. */
export type ChartWindow = keyof typeof CHART_WINDOWS;

/** Saved preferences. */
export interface Preferences {
  /** Undefined when none (or an untracked one) was saved. */
  readonly symbol?: string;
  /** Whale chime on; off unless the user turned it on. */
  readonly chime: boolean;
  readonly window: ChartWindow;
}

/** The storage key. */
export const PREFERENCES_KEY = "sats-sentinel:prefs:v1";

/** Defaults: no symbol, chime muted, 5-minute window. */
export const DEFAULT_PREFERENCES: Preferences = { chime: false, window: "5m" };

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
    window: typeof record.window === "string" &&
        Object.hasOwn(CHART_WINDOWS, record.window)
      ? record.window as ChartWindow
      : DEFAULT_PREFERENCES.window,
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
