/**
 * Whale thresholds that survive restarts, with an audit entry for every
 * change. The configured values are the defaults; a stored override wins. The
 * value and its audit entry are written in one atomic KV commit, so a change
 * is never applied without its record.
 */

/** One audited threshold change. */
export interface ThresholdChange {
  /** Sortable id (time-ordered). */
  readonly id: string;
  /** ISO-8601 UTC time of the change. */
  readonly time: string;
  readonly symbol: string;
  readonly previous: number;
  readonly threshold: number;
  /** IP address of the caller. */
  readonly actor_ip: string;
}

const THRESHOLD_PREFIX = ["threshold"] as const;
const AUDIT_PREFIX = ["audit", "threshold"] as const;

/** Current thresholds in memory, persisted in KV. */
export class ThresholdStore {
  #kv: Deno.Kv;
  #values: Map<string, number>;
  #now: () => number;
  /**
   * Time part of the newest audit id. Ids must sort in write order even for
   * changes within one millisecond (or after the clock steps back), and the
   * random suffix alone would order those at random.
   */
  #lastIdMs: number;

  private constructor(
    kv: Deno.Kv,
    values: Map<string, number>,
    now: () => number,
    lastIdMs: number,
  ) {
    this.#kv = kv;
    this.#values = values;
    this.#now = now;
    this.#lastIdMs = lastIdMs;
  }

  /**
   * Loads stored overrides on top of `defaults`; overrides for symbols no
   * longer tracked are ignored.
   */
  static async open(
    kv: Deno.Kv,
    defaults: Readonly<Record<string, number>>,
    now: () => number = Date.now,
  ): Promise<ThresholdStore> {
    const values = new Map(Object.entries(defaults));
    for await (
      const entry of kv.list<number>({ prefix: [...THRESHOLD_PREFIX] })
    ) {
      const symbol = String(entry.key[1]);
      if (
        values.has(symbol) && Number.isFinite(entry.value) && entry.value > 0
      ) {
        values.set(symbol, entry.value);
      }
    }
    let lastIdMs = 0;
    const newest = kv.list<ThresholdChange>({ prefix: [...AUDIT_PREFIX] }, {
      reverse: true,
      limit: 1,
    });
    for await (const entry of newest) {
      lastIdMs = parseInt(String(entry.key[2]).split("-")[0], 36) || 0;
    }
    return new ThresholdStore(kv, values, now, lastIdMs);
  }

  /** Every tracked symbol's threshold. */
  all(): Record<string, number> {
    return Object.fromEntries(this.#values);
  }

  /** One symbol's threshold, if tracked. */
  get(symbol: string): number | undefined {
    return this.#values.get(symbol);
  }

  /** Stores `threshold` for `symbol` with its audit entry, atomically. */
  async set(
    symbol: string,
    threshold: number,
    actorIp: string,
  ): Promise<ThresholdChange> {
    const previous = this.#values.get(symbol);
    if (previous === undefined) {
      throw new RangeError(`Cannot set a threshold: ${symbol} is not tracked`);
    }
    const now = this.#now();
    const idMs = Math.max(now, this.#lastIdMs + 1);
    this.#lastIdMs = idMs;
    const change: ThresholdChange = {
      id: `${idMs.toString(36).padStart(10, "0")}-${
        crypto.randomUUID().slice(0, 8)
      }`,
      time: new Date(now).toISOString(),
      symbol,
      previous,
      threshold,
      actor_ip: actorIp,
    };
    const result = await this.#kv.atomic()
      .set([...THRESHOLD_PREFIX, symbol], threshold)
      .set([...AUDIT_PREFIX, change.id], change)
      .commit();
    if (!result.ok) throw new Error("Threshold change was not committed");
    this.#values.set(symbol, threshold);
    return change;
  }

  /** Threshold changes, newest first, at most `limit`. */
  async audit(limit = 100): Promise<ThresholdChange[]> {
    const changes: ThresholdChange[] = [];
    const entries = this.#kv.list<ThresholdChange>(
      { prefix: [...AUDIT_PREFIX] },
      { reverse: true, limit },
    );
    for await (const entry of entries) changes.push(entry.value);
    return changes;
  }
}
