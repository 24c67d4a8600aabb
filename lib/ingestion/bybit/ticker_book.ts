/**
 * The last full ticker of every (category, symbol) on Bybit's linear stream,
 * where `tickers.*` pushes a snapshot and then deltas that carry only the
 * fields that changed.
 *
 * A delta is merged into the last snapshot of its key; a new snapshot
 * replaces it outright. A delta with no snapshot to merge into cannot make a
 * ticker (its unchanged fields are unknown): the book says so and the caller
 * skips it, counts it and resubscribes to get a snapshot. Merging and keeping
 * are separate steps so a merged ticker that fails validation never replaces
 * the good one. Pure: no timers, no I/O.
 */

/** A ticker's fields as the exchange sends them (strings, mostly). */
export type TickerFields = Readonly<Record<string, unknown>>;

/** Whether a push carries a whole ticker or only what changed. */
export type TickerPushType = "snapshot" | "delta";

/** Last full tickers by key (e.g. `linear:BTCUSDT`). */
export class TickerBook {
  #last = new Map<string, TickerFields>();

  /** Keys with a ticker. */
  get size(): number {
    return this.#last.size;
  }

  /** Whether `key` has a ticker to merge deltas into. */
  has(key: string): boolean {
    return this.#last.has(key);
  }

  /**
   * The full ticker `type`/`data` makes for `key` — the snapshot itself, or
   * the last one with the delta's fields laid over it — without keeping it.
   * Undefined for a delta with no snapshot before it.
   */
  merge(
    key: string,
    type: TickerPushType,
    data: TickerFields,
  ): TickerFields | undefined {
    if (type === "snapshot") return data;
    const last = this.#last.get(key);
    return last === undefined ? undefined : { ...last, ...data };
  }

  /** Keeps `fields` as the last full ticker of `key`. */
  keep(key: string, fields: TickerFields): void {
    this.#last.set(key, fields);
  }

  /** Forgets `key` (its topic was dropped or resubscribed). */
  forget(key: string): void {
    this.#last.delete(key);
  }
}
