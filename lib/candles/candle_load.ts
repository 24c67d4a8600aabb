/**
 * Reading stored bars into memory: at start (each resolution within its
 * memory window, into a new book) and on a follower that must read again
 * what it missed of the leader's writes. Each resolution's ring holds at
 * most its window plus one bar, so the memory a symbol takes is bounded by
 * configuration; bars older than the window are read from the store when
 * asked for (`CandleService.candles`).
 */
import type { Candle } from "../protocol/candles.ts";
import { BYTES_PER_BAR } from "./bar_series.ts";
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

/**
 * The least each resolution keeps in memory whatever the budget, ms: the 1 s
 * bars of a minute being sealed and of a short chart's first paint, the
 * 1 m bars of the default chart and of every hour being sealed, and a day
 * of 1 h bars. The 1 m window also covers the start's backfill (its bars
 * are taken into memory, and the hours they complete aggregated from it).
 */
export const MIN_MEMORY_MS: CandleHorizons = {
  "1s": 5 * 60_000,
  "1m": 2 * 3_600_000,
  "1h": 24 * 3_600_000,
};

/** Options of {@linkcode memoryWindows}. */
export interface MemoryWindowOptions {
  readonly horizonsMs: CandleHorizons;
  /** Symbols with a book. */
  readonly symbols: number;
  /** Memory all books may take together, bytes. */
  readonly budgetBytes: number;
  /** How far back the start's backfill reaches, ms (0: none). */
  readonly backfillMs: number;
}

/** How much of each horizon stays in memory, and what that costs. */
export interface MemoryWindows {
  readonly windowsMs: CandleHorizons;
  /** Memory of one symbol's closed bars once every window is full, bytes. */
  readonly bytesPerSymbol: number;
  /** Whether the least windows alone take more than the budget. */
  readonly overBudget: boolean;
}

/**
 * Splits a memory budget over the books: every horizon whole when it fits;
 * otherwise each resolution keeps its least window (`MIN_MEMORY_MS`, and
 * the backfill for 1 m) and the same share of the rest of its horizon.
 * Throws a `RangeError` as {@linkcode capacitiesFor} does.
 */
export function memoryWindows(options: MemoryWindowOptions): MemoryWindows {
  const { horizonsMs } = options;
  const full = capacitiesFor(horizonsMs);
  const least: Record<StoredResolution, number> = { "1s": 0, "1m": 0, "1h": 0 };
  for (const r of STORED_RESOLUTIONS) {
    const floor = r === "1m"
      ? Math.max(MIN_MEMORY_MS[r], options.backfillMs + 3_600_000)
      : MIN_MEMORY_MS[r];
    least[r] = Math.min(full[r], Math.ceil(floor / INTERVAL_MS[r]) + 1);
  }
  const perSymbol = options.budgetBytes / Math.max(1, options.symbols) /
    BYTES_PER_BAR;
  const sum = (bars: Readonly<Record<StoredResolution, number>>) =>
    STORED_RESOLUTIONS.reduce((total, r) => total + bars[r], 0);
  const rest = sum(full) - sum(least);
  const share = rest === 0
    ? 1
    : Math.min(1, Math.max(0, (perSymbol - sum(least)) / rest));
  const bars = Object.fromEntries(STORED_RESOLUTIONS.map((r) => [
    r,
    least[r] + Math.floor((full[r] - least[r]) * share),
  ])) as Record<StoredResolution, number>;
  return {
    windowsMs: Object.fromEntries(
      STORED_RESOLUTIONS.map((r) => [
        r,
        bars[r] === full[r] ? horizonsMs[r] : (bars[r] - 1) * INTERVAL_MS[r],
      ]),
    ) as Record<StoredResolution, number>,
    bytesPerSymbol: sum(bars) * BYTES_PER_BAR,
    overBudget: sum(least) > perSymbol,
  };
}

/**
 * The part of the 1 m and 1 h memory windows read before the service
 * opens: the 1 m bars of every hour the 1 s window falls in (an hour is
 * sealed from its minutes in memory, and the minutes left open are sealed
 * from their seconds) and at least what the 1 m window's least keeps
 * (`MIN_MEMORY_MS`: the default chart); the 1 h window's least. The rest is
 * read after, in the background ({@linkcode loadOlderBars}): a whole
 * market's day of 1 m bars takes most of the reading.
 */
export function firstWindows(
  windows: CandleHorizons,
): Readonly<Record<"1m" | "1h", number>> {
  const hour = INTERVAL_MS["1h"];
  return {
    "1m": Math.min(
      windows["1m"],
      Math.max(MIN_MEMORY_MS["1m"], windows["1s"] + hour),
    ),
    "1h": Math.min(windows["1h"], MIN_MEMORY_MS["1h"]),
  };
}

/** A symbol's book loaded from `store`, and when its stored data ends. */
export interface LoadedBook {
  readonly book: CandleBook;
  /** End of the newest stored bar (at most `now`), if any. */
  readonly end: number | undefined;
}

/**
 * A book sized for each memory window (`windows`: the horizons, or
 * {@linkcode memoryWindows}) with what the service needs of `symbol`'s
 * stored bars before it opens, as of `now`: the newest part of the 1 m
 * and 1 h windows ({@linkcode firstWindows}), and the 1 s bars from the end
 * of the newest stored minute on (the seconds before it are sealed into
 * it; they are what a restart finds of the minute left open). Each series
 * is complete from where it was read; {@linkcode loadOlderBars} reads the
 * rest of its window.
 */
export async function loadBook(
  store: CandleStore,
  symbol: string,
  windows: CandleHorizons,
  now: number,
): Promise<LoadedBook> {
  const book = new CandleBook({ capacities: capacitiesFor(windows) });
  const first = firstWindows(windows);
  const minutesFrom = now - first["1m"];
  const minutes = await loadRange(store, symbol, "1m", minutesFrom, now);
  const newestMinute = minutes[minutes.length - 1];
  const sealedThrough = newestMinute === undefined
    ? -Infinity
    : Math.min(now, newestMinute.t + INTERVAL_MS["1m"]);
  const from: Record<StoredResolution, number> = {
    "1s": Math.max(now - windows["1s"], sealedThrough),
    "1m": minutesFrom,
    "1h": now - first["1h"],
  };
  const bars: Record<StoredResolution, Candle[]> = {
    "1s": await loadRange(store, symbol, "1s", from["1s"], now),
    "1m": minutes,
    "1h": await loadRange(store, symbol, "1h", from["1h"], now),
  };
  let end: number | undefined;
  for (const resolution of STORED_RESOLUTIONS) {
    book.series[resolution].loadedFrom(from[resolution]);
    book.restore(resolution, bars[resolution]);
    // The finest resolution says best when data stopped: a minute
    // sealed from half its seconds still ends on the minute.
    const last = bars[resolution][bars[resolution].length - 1];
    end ??= last && Math.min(now, last.t + INTERVAL_MS[resolution]);
  }
  return { book, end };
}

/**
 * Reads into `book` — opened by {@linkcode loadBook} as of `now` — the
 * rest of its 1 m and 1 h `windows`: the bars from the window's start to
 * where the series is complete from. Each series is complete from its
 * window's start once those bars are held; until then a read of that part
 * goes to the store, as for bars past the window. The 1 s bars before the
 * minute left open are not read again: the 1 s window is minutes long, and
 * by key (a read per ten seconds of it) a whole market's took most of a
 * minute at full load, by which time most had left the window. A 1 s query
 * reaching before them reads the store.
 */
export async function loadOlderBars(
  store: CandleStore,
  symbol: string,
  book: CandleBook,
  windows: CandleHorizons,
  now: number,
): Promise<void> {
  for (const resolution of ["1m", "1h"] as const) {
    const series = book.series[resolution];
    const from = now - windows[resolution];
    const to = series.completeFrom;
    if (!(from < to)) continue;
    const bars = await loadRange(store, symbol, resolution, from, to - 1);
    book.restore(resolution, bars);
    series.loadedBack(from, to, bars[0]?.t);
  }
}

/** How far before the newest bar it has a book reads the store again. */
export const RELOAD_LOOKBACK_MS = 3_600_000;

/**
 * Reads again into `book`, as a mirror of the leader's, what `store` holds
 * of `symbol` from `lookbackMs` before the newest bar the book has at each
 * resolution (a follower that missed some of the leader's writes: bars it
 * has may have been amended or sealed again since), within each memory
 * window (`windows`).
 */
export async function reloadBook(
  store: CandleStore,
  symbol: string,
  book: CandleBook,
  windows: CandleHorizons,
  now: number,
  lookbackMs = RELOAD_LOOKBACK_MS,
): Promise<void> {
  for (const resolution of STORED_RESOLUTIONS) {
    const newest = book.series[resolution].lastTime ?? -Infinity;
    const from = Math.max(now - windows[resolution], newest - lookbackMs);
    book.mirrorBars(
      resolution,
      await loadRange(store, symbol, resolution, from, now),
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
  // Bars start on whole milliseconds: `to + 1` ends the read just past `to`.
  for await (const bar of store.load(symbol, resolution, from, to + 1)) {
    bars.push(bar);
  }
  return bars;
}
