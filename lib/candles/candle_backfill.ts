/**
 * The start-up backfill: bars the service does not have are fetched from the
 * exchange's `GET /v5/market/kline`, so a fresh install (or a restart after
 * a long stop) shows a full day at once. Only missing bars are requested and
 * taken: the plan walks back from the newest closed slot and covers each run
 * of missing bars with windows of at most 1,000 slots (one page each), so a
 * day of 1 m bars is two requests per symbol and a restart after five
 * minutes is one. 1 m bars come first (the hours they complete are
 * aggregated again), then 1 h bars for the hours still missing.
 */
import type { Clock } from "../clock/clock.ts";
import type { Candle } from "../protocol/candles.ts";
import type {
  MarketCategory,
  TrackedSymbol,
} from "../market/tracked_symbol.ts";
import { INTERVAL_MS, slotStart } from "./candle_intervals.ts";
import type { CandleBook } from "./candle_book.ts";
import type { CandleService } from "./candle_service.ts";
import { inLanes } from "./in_lanes.ts";

/** Most slots one request covers (Bybit's `limit` maximum). */
export const SLOTS_PER_REQUEST = 1_000;

/** A span of slots to fetch: `start` and `end` are bar starts, both included. */
export interface FetchWindow {
  readonly start: number;
  readonly end: number;
}

/**
 * Windows covering every slot of length `ms` in `[from, to)` for which
 * `has` is false, newest first, each at most `maxSlots` long. Pure.
 */
export function missingWindows(
  has: (t: number) => boolean,
  from: number,
  to: number,
  ms: number,
  maxSlots = SLOTS_PER_REQUEST,
): FetchWindow[] {
  const windows: FetchWindow[] = [];
  const first = Math.ceil(from / ms) * ms;
  let t = Math.floor((to - 1) / ms) * ms;
  while (t >= first) {
    if (has(t)) {
      t -= ms;
      continue;
    }
    const end = t;
    const start = Math.max(first, end - (maxSlots - 1) * ms);
    windows.push({ start, end });
    t = start - ms;
  }
  return windows;
}

/** What a source of exchange bars answers for one window. */
export interface KlineSource {
  /**
   * Closed and open bars of `symbol` (the exchange's name within
   * `category`: a perpetual's bars are its own, not its spot pair's) at
   * `interval` (`"1"` or `"60"`) starting within `[start, end]`, oldest first.
   */
  fetchBars(
    request: {
      readonly category: MarketCategory;
      readonly symbol: string;
      readonly interval: "1" | "60";
      readonly start: number;
      readonly end: number;
    },
    signal?: AbortSignal,
  ): Promise<readonly Candle[]>;
}

/** Options of {@linkcode backfillCandles}. */
export interface BackfillOptions {
  readonly service: CandleService;
  readonly source: KlineSource;
  readonly symbols: readonly TrackedSymbol[];
  /** How far back to fill, ms (each resolution also within its horizon). */
  readonly spanMs: number;
  readonly horizonsMs: { readonly "1m": number; readonly "1h": number };
  readonly clock: Clock;
  /** Stops the backfill (between and during requests). */
  readonly signal?: AbortSignal;
  /** Told about a window that could not be fetched; the rest go on. */
  readonly onError?: (symbol: string, error: unknown) => void;
  /**
   * Told after each (resolution, symbol) step: `done` of `total` steps (two
   * per symbol), so a long run over a whole market shows how far it is.
   */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Symbols filled at once (each one request at a time). Default 1. A few
   * keep a whole market's first start short: each request mostly waits.
   */
  readonly concurrency?: number;
}

/** What a backfill did. */
export interface BackfillReport {
  /** Windows requested. */
  readonly requests: number;
  /** Bars taken, by resolution. */
  readonly taken: { readonly "1m": number; readonly "1h": number };
  /** Windows that failed. */
  readonly failures: number;
}

/** A {@linkcode BackfillReport} being counted. */
type Tally = {
  requests: number;
  taken: Record<"1m" | "1h", number>;
  failures: number;
};

const PLAN = [
  { resolution: "1m", interval: "1" },
  { resolution: "1h", interval: "60" },
] as const;

/** Fetches and merges every missing closed bar within the span. */
export async function backfillCandles(
  options: BackfillOptions,
): Promise<BackfillReport> {
  const { service, signal } = options;
  const report: Tally = {
    requests: 0,
    taken: { "1m": 0, "1h": 0 },
    failures: 0,
  };
  const total = PLAN.length * options.symbols.length;
  let done = 0;
  const aborted = () => signal?.aborted ?? false;
  // Bars a book has not read from the store yet are not missing.
  await service.loaded;
  for (const step of PLAN) {
    await inLanes(options.symbols, options.concurrency ?? 1, async (symbol) => {
      const book = service.book(symbol.id);
      if (book) await fillSeries(options, step, symbol, book, report);
      if (!aborted()) options.onProgress?.(++done, total);
    }, aborted);
    if (aborted()) return report;
  }
  return report;
}

/** One symbol's missing bars at one resolution, counted into `report`. */
async function fillSeries(
  options: BackfillOptions,
  { resolution, interval }: typeof PLAN[number],
  symbol: TrackedSymbol,
  book: CandleBook,
  report: Tally,
): Promise<void> {
  const { service, source, clock, signal } = options;
  const ms = INTERVAL_MS[resolution];
  const to = slotStart(clock.now(), resolution);
  // Whole hours of minutes, so the oldest hour is not sealed half full.
  const from = slotStart(
    to - Math.min(options.spanMs, options.horizonsMs[resolution]),
    "1h",
  );
  const windows = missingWindows(
    (t) => book.series[resolution].has(t),
    from,
    to,
    ms,
  );
  for (const window of windows) {
    if (signal?.aborted) return;
    report.requests++;
    try {
      const bars = await source.fetchBars(
        {
          category: symbol.category,
          symbol: symbol.upstream,
          interval,
          ...window,
        },
        signal,
      );
      const closed = bars.filter((b) =>
        b.t >= window.start && b.t <= window.end && b.t + ms <= clock.now()
      );
      report.taken[resolution] += service.merge(symbol.id, resolution, closed);
    } catch (error) {
      if (signal?.aborted) return;
      report.failures++;
      options.onError?.(symbol.id, error);
    }
  }
}
