/**
 * The viewer's watchlist: the pairs the ticker strip shows, chosen on the
 * screener (or from the strip) and kept in localStorage. Storage is
 * user-controlled input: entries are validated on read (channel ids only, no
 * duplicates, at most {@linkcode MAX_WATCHLIST}), and a missing or broken
 * entry means "the default" — the first four tracked pairs. Whether each id
 * is still tracked is for the page to check (a delisted pair drops out).
 */
import { isChannelId } from "../market/tracked_symbol.ts";

/** The storage key. */
export const WATCHLIST_KEY = "sats-sentinel:watchlist:v1";

/**
 * Most pairs on a watchlist: the strip stays one row on a desktop, and the
 * page's stream (watchlist + selected pair) stays within the 32 symbols one
 * `/ws/stream` socket may name.
 */
export const MAX_WATCHLIST = 12;

/** Pairs on the default watchlist: the first this many tracked. */
export const DEFAULT_WATCHLIST_SIZE = 4;

/** The default watchlist: the first four tracked pairs. */
export function defaultWatchlist(tracked: readonly string[]): string[] {
  return tracked.slice(0, DEFAULT_WATCHLIST_SIZE);
}

/** The saved watchlist, validated; undefined when none (or a broken one) is saved. */
export function readWatchlist(
  storage: Pick<Storage, "getItem"> | undefined,
): string[] | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(WATCHLIST_KEY) ?? "null");
  } catch {
    return undefined;
  }
  if (!Array.isArray(raw)) return undefined;
  const ids: string[] = [];
  for (const entry of raw) {
    if (typeof entry !== "string" || !isChannelId(entry)) continue;
    const id = entry.toUpperCase();
    if (!ids.includes(id)) ids.push(id);
    if (ids.length === MAX_WATCHLIST) break;
  }
  return ids;
}

/** Saves the watchlist; storage errors (quota, private mode) are ignored. */
export function writeWatchlist(
  storage: Pick<Storage, "setItem"> | undefined,
  ids: readonly string[],
): void {
  try {
    storage?.setItem(WATCHLIST_KEY, JSON.stringify(ids));
  } catch {
    // The watchlist is a convenience; the page works without it.
  }
}

/**
 * `ids` with `id` removed if it is on it, else added at the end (unless the
 * list is full: then unchanged).
 */
export function toggleWatch(ids: readonly string[], id: string): string[] {
  if (ids.includes(id)) return ids.filter((other) => other !== id);
  return ids.length >= MAX_WATCHLIST ? [...ids] : [...ids, id];
}

/**
 * The symbols a detail page streams: the watchlist, then the selected pair
 * if it is not on it (at most {@linkcode MAX_WATCHLIST} + 1).
 */
export function pageSymbols(
  watchlist: readonly string[],
  selected: string,
): string[] {
  return watchlist.includes(selected) ? [...watchlist] : [
    ...watchlist,
    selected,
  ];
}
