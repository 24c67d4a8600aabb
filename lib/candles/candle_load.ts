/**
 * Reading stored bars into memory: at start (each resolution within its
 * horizon, into a new book) and on a follower that must read again what it
 * missed of the leader's writes. Each resolution's ring holds its horizon
 * plus one bar, so the memory a symbol takes is fixed by configuration.
 */
import type { Candle } from "../protocol/candles.ts";
import { CandleBook, type SeriesCapacities } from "./candle_book.ts";
import {
  INTERVAL_MS,
  STORED_RESOLUTIONS,
  type StoredResolution,
} from "./candle_intervals.ts";
import type { CandleStore } from "./candle_store.ts";

/** How long each stored resolution is kept, ms. */
export type CandleHorizons = Readonly<Record<StoredResolution, number>>;

/**
 * Bars per resolution for `horizons`; throws a `RangeError` naming the
 * resolution for a horizon shorter than one bar.
 */
export function capacitiesFor(horizons: CandleHorizons): SeriesCapacities {
  return Object.fromEntries(
    STORED_RESOLUTIONS.map((r) => {
      const horizon = horizons[r];
      if (!(horizon >= INTERVAL_MS[r])) {
        throw new RangeError(
          `horizonsMs.${r} must be at least ${INTERVAL_MS[r]}, got ${horizon}`,
        );
      }
      return [r, Math.ceil(horizon / INTERVAL_MS[r]) + 1];
    }),
  ) as Record<StoredResolution, number>;
}

/** A symbol's book loaded from `store`, and when its stored data ends. */
export interface LoadedBook {
  readonly book: CandleBook;
  /** End of the newest stored bar (at most `now`), if any. */
  readonly end: number | undefined;
}

/** Loads `symbol`'s stored bars within each horizon, as of `now`. */
export async function loadBook(
  store: CandleStore,
  symbol: string,
  horizons: CandleHorizons,
  now: number,
): Promise<LoadedBook> {
  const book = new CandleBook({ capacities: capacitiesFor(horizons) });
  let end: number | undefined;
  for (const resolution of STORED_RESOLUTIONS) {
    const bars = await loadBars(
      store,
      symbol,
      resolution,
      now - horizons[resolution],
      now,
    );
    book.restore(resolution, bars);
    // The finest resolution says best when data stopped: a minute
    // sealed from half its seconds still ends on the minute.
    const last = bars[bars.length - 1];
    end ??= last && Math.min(now, last.t + INTERVAL_MS[resolution]);
  }
  return { book, end };
}

/** How far before the newest bar it has a book reads the store again. */
export const RELOAD_LOOKBACK_MS = 3_600_000;

/**
 * Reads again into `book`, as a mirror of the leader's, what `store` holds
 * of `symbol` from `lookbackMs` before the newest bar the book has at each
 * resolution (a follower that missed some of the leader's writes: bars it
 * has may have been amended or sealed again since).
 */
export async function reloadBook(
  store: CandleStore,
  symbol: string,
  book: CandleBook,
  horizons: CandleHorizons,
  now: number,
  lookbackMs = RELOAD_LOOKBACK_MS,
): Promise<void> {
  for (const resolution of STORED_RESOLUTIONS) {
    const newest = book.series[resolution].lastTime ?? -Infinity;
    const from = Math.max(now - horizons[resolution], newest - lookbackMs);
    book.mirrorBars(
      resolution,
      await loadBars(store, symbol, resolution, from, now),
    );
  }
}

/** Bars of one series starting in `[from, to]`, oldest first. */
export async function loadRange(
  store: CandleStore,
  symbol: string,
  resolution: StoredResolution,
  from: number,
  to: number,
): Promise<Candle[]> {
  const bars: Candle[] = [];
  for await (const bar of store.load(symbol, resolution, from)) {
    if (bar.t > to) break;
    bars.push(bar);
  }
  return bars;
}

function loadBars(
  store: CandleStore,
  symbol: string,
  resolution: StoredResolution,
  from: number,
  now: number,
): Promise<Candle[]> {
  return loadRange(store, symbol, resolution, from, now);
}
