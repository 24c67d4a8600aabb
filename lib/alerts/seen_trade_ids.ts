/**
 * The exchange trade ids judged most recently, in a bounded window: a trade
 * delivered twice (a WebSocket reconnect replays the last trades; a new
 * leader's feed overlaps the old one's) is judged once. Bybit's trade ids are
 * unique per symbol, so keys are `symbol:id`. The window is a FIFO: memory is
 * fixed whatever the trade rate, and ids older than the window are far older
 * than any replay.
 */

/** Options of {@linkcode SeenTradeIds}. */
export interface SeenTradeIdsOptions {
  /** Most ids remembered. Default 10 000. */
  readonly capacity?: number;
}

/** A bounded set of recently seen trade ids. */
export class SeenTradeIds {
  #capacity: number;
  #order: string[] = [];
  #head = 0;
  #set = new Set<string>();

  /** Throws a `RangeError` naming `capacity` for a bad value. */
  constructor(options: SeenTradeIdsOptions = {}) {
    const capacity = options.capacity ?? 10_000;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `capacity must be a positive integer, got ${capacity}`,
      );
    }
    this.#capacity = capacity;
  }

  /** Ids remembered now. */
  get size(): number {
    return this.#set.size;
  }

  /**
   * Records `symbol:id`; true when it is new (judge the trade), false when it
   * was seen within the window (skip it).
   */
  add(symbol: string, id: string): boolean {
    const key = `${symbol}:${id}`;
    if (this.#set.has(key)) return false;
    this.#set.add(key);
    if (this.#order.length < this.#capacity) {
      this.#order.push(key);
    } else {
      this.#set.delete(this.#order[this.#head]);
      this.#order[this.#head] = key;
      this.#head = (this.#head + 1) % this.#capacity;
    }
    return true;
  }

  /** The remembered keys, oldest first (for a leader handover). */
  toArray(): string[] {
    return [
      ...this.#order.slice(this.#head),
      ...this.#order.slice(0, this.#head),
    ];
  }

  /** Remembers `keys` (oldest first), as saved by {@linkcode toArray}. */
  restore(keys: readonly string[]): void {
    for (const key of keys.slice(-this.#capacity)) {
      const split = key.indexOf(":");
      if (split > 0) this.add(key.slice(0, split), key.slice(split + 1));
    }
  }
}
