/**
 * Where closed bars and the outage log live between runs. An interface
 * because a second backend is real: Deno KV today (`ledger/kv_candle_store.ts`),
 * a shared engine (Redis or a KV service) once several instances must serve
 * the same candles. Every implementation passes the same suite
 * (`candle_store_contract.ts`); {@linkcode MemoryCandleStore} is the
 * reference and the test double.
 */
import type { Candle, Outage } from "../protocol/candles.ts";
import type { StoredResolution } from "./candle_intervals.ts";

/** One bar with what it belongs to. */
export interface StoredBar {
  readonly symbol: string;
  readonly resolution: StoredResolution;
  readonly candle: Candle;
}

/** What one deletion run did. */
export interface DeleteResult {
  readonly deleted: number;
  /** More bars are due: run again. */
  readonly more: boolean;
}

/** Persistence of bars and outages. */
export interface CandleStore {
  /**
   * Writes `bars`, replacing bars with the same (symbol, resolution, t).
   * Resolves once all are durable; an implementation splits the write into
   * as many commits as its limits require.
   */
  put(bars: readonly StoredBar[]): Promise<void>;
  /**
   * Bars of one series starting at or after `from` and before `before`
   * (default: no end), oldest first; nothing past `before` is read.
   */
  load(
    symbol: string,
    resolution: StoredResolution,
    from: number,
    before?: number,
  ): AsyncIterable<Candle>;
  /**
   * Deletes at most `maxDeletes` bars of one series starting before
   * `before`. A store that keeps a resolution in time order may delete every
   * symbol's bars of that resolution before `before` at once (each
   * resolution has one horizon for all symbols).
   */
  deleteBefore(
    symbol: string,
    resolution: StoredResolution,
    before: number,
    maxDeletes: number,
  ): Promise<DeleteResult>;
  /** Writes an outage, replacing one with the same `from` (closing it). */
  putOutage(outage: Outage): Promise<void>;
  /** Outages that overlap `[from, to)`, oldest first. */
  outages(from: number, to: number): Promise<Outage[]>;
  /** Deletes outages that ended before `before`; returns how many. */
  deleteOutagesBefore(before: number): Promise<number>;
}

/** Whether `value` has the shape of an {@linkcode Outage} (read from a store). */
export function isOutage(value: unknown): value is Outage {
  if (typeof value !== "object" || value === null) return false;
  const o = value as Partial<Outage>;
  return typeof o.from === "number" && typeof o.reason === "string" &&
    (o.to === null || typeof o.to === "number");
}

/** A {@linkcode CandleStore} in memory: for tests and as the reference. */
export class MemoryCandleStore implements CandleStore {
  #series = new Map<string, Map<number, Candle>>();
  #outages = new Map<number, Outage>();
  /** Calls of `put`, for tests that count writes. */
  puts = 0;

  put(bars: readonly StoredBar[]): Promise<void> {
    this.puts++;
    for (const { symbol, resolution, candle } of bars) {
      const key = `${symbol}|${resolution}`;
      let series = this.#series.get(key);
      if (!series) this.#series.set(key, series = new Map());
      series.set(candle.t, candle);
    }
    return Promise.resolve();
  }

  async *load(
    symbol: string,
    resolution: StoredResolution,
    from: number,
    before = Infinity,
  ): AsyncIterable<Candle> {
    const series = this.#series.get(`${symbol}|${resolution}`);
    if (!series) return;
    const bars = [...series.values()].filter((c) => c.t >= from && c.t < before)
      .sort((a, b) => a.t - b.t);
    for (const bar of bars) yield await Promise.resolve(bar);
  }

  deleteBefore(
    symbol: string,
    resolution: StoredResolution,
    before: number,
    maxDeletes: number,
  ): Promise<DeleteResult> {
    const series = this.#series.get(`${symbol}|${resolution}`);
    const due = [...series?.keys() ?? []].filter((t) => t < before)
      .sort((a, b) => a - b);
    for (const t of due.slice(0, maxDeletes)) series!.delete(t);
    return Promise.resolve({
      deleted: Math.min(due.length, maxDeletes),
      more: due.length > maxDeletes,
    });
  }

  putOutage(outage: Outage): Promise<void> {
    this.#outages.set(outage.from, outage);
    return Promise.resolve();
  }

  outages(from: number, to: number): Promise<Outage[]> {
    return Promise.resolve(
      [...this.#outages.values()].filter((o) =>
        o.from < to && (o.to === null || o.to > from)
      ).sort((a, b) => a.from - b.from),
    );
  }

  deleteOutagesBefore(before: number): Promise<number> {
    let deleted = 0;
    for (const [key, outage] of this.#outages) {
      if (outage.to !== null && outage.to < before) {
        this.#outages.delete(key);
        deleted++;
      }
    }
    return Promise.resolve(deleted);
  }
}
