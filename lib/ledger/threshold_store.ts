/**
 * Thresholds that survive restarts, with an audit entry for every change.
 * Four kinds per symbol: the whale line (24 h turnover), and the trade,
 * spike and (perpetuals only) liquidation lines alerts use. Symbols come and
 * go at runtime (`track`, `untrack`): a stored override waits for its symbol
 * to appear. The configured values are the defaults; a stored override wins.
 * Values and their audit entries are written in one atomic commit (Deno KV,
 * or Redis with `STREAM_ENGINE=redis`: see `threshold_backend.ts`), so a
 * change is never applied without its record. Each record's `previous` is
 * the value it replaced: changes from this process are applied one at a
 * time, and the commit checks the stored values it read, so a change written
 * meanwhile by another instance is read again, not overwritten unrecorded.
 * Other instances' changes reach this one's values through `adopt`
 * (announced on the stream engine).
 */
import { auditIdMs, formatAuditId } from "../alerts/audit_id.ts";
import { type Clock, systemClock } from "../clock/clock.ts";
import {
  THRESHOLD_KINDS,
  type ThresholdKind,
} from "../alerts/symbol_thresholds.ts";
import { takePage } from "./paging.ts";
import type { PriceAlertDirection } from "../protocol/price_alerts.ts";
import { KvThresholdBackend } from "./kv_threshold_backend.ts";
import type { ThresholdBackend } from "./threshold_backend.ts";

/**
 * What an audit entry records: a threshold line, or a price-level alert
 * created or deleted (`price_alert`).
 */
export type AuditKind = ThresholdKind | "price_alert";

/** One audited change. */
export interface ThresholdChange {
  /** Sortable id (time-ordered). */
  readonly id: string;
  /** ISO-8601 UTC time of the change. */
  readonly time: string;
  readonly symbol: string;
  /** What changed (entries written before kinds existed read as `whale`). */
  readonly kind: AuditKind;
  /** The value replaced; for a price alert, 0 on create and the level on delete. */
  readonly previous: number;
  /** The value set; for a price alert, the level on create and 0 on delete. */
  readonly threshold: number;
  /** IP address of the caller. */
  readonly actor_ip: string;
  /** For a price alert: whether it was created or deleted. */
  readonly action?: "create" | "delete";
  /** For a price alert: its id. */
  readonly alert_id?: string;
  /** For a price alert: its direction. */
  readonly direction?: PriceAlertDirection;
}

/** An audited change of a threshold line (not a price alert). */
export type LineChange = ThresholdChange & { readonly kind: ThresholdKind };

/** An audit entry to write; the store gives it its id and time. */
export type AuditEntry = Omit<ThresholdChange, "id" | "time">;

/** Defaults of the alert-only kinds, by channel id. */
export interface AlertThresholdDefaults {
  readonly trade?: Readonly<Record<string, number>>;
  readonly spike?: Readonly<Record<string, number>>;
  readonly liquidation?: Readonly<Record<string, number>>;
}

/** Options of {@linkcode ThresholdStore.open}. */
export interface ThresholdStoreOptions {
  /** The configured whale line (24 h turnover) of every tracked symbol. */
  readonly defaults: Readonly<Record<string, number>>;
  /**
   * The configured trade and spike lines; a kind without defaults tracks no
   * symbol. Default: none.
   */
  readonly alertDefaults?: AlertThresholdDefaults;
  /** Time of each change and its audit id. Default {@linkcode systemClock}. */
  readonly clock?: Clock;
}

/** A page of the audit trail, newest first. */
export interface AuditPage {
  readonly changes: ThresholdChange[];
  /** Cursor of the next (older) page, or null when this is the last. */
  readonly next_cursor: string | null;
}

/** A page request of {@linkcode ThresholdStore.auditPage}. */
export interface AuditPageQuery {
  /** Only changes of this symbol. */
  readonly symbol?: string;
  /** `next_cursor` of the previous page. */
  readonly cursor?: string;
  /** Entries per page. Default 100. */
  readonly limit?: number;
}

/** Commits tried before a change that keeps conflicting is given up. */
const MAX_COMMIT_ATTEMPTS = 5;

/** Current thresholds in memory, persisted in a {@linkcode ThresholdBackend}. */
export class ThresholdStore {
  #backend: ThresholdBackend;
  #values: Record<ThresholdKind, Map<string, number>>;
  #clock: Clock;
  /** Every stored override, also of symbols not tracked now. */
  #stored: Record<ThresholdKind, Map<string, number>>;
  /**
   * Time part of the newest audit id. Ids must sort in write order even for
   * changes within one millisecond (or after the clock steps back), and the
   * random suffix alone would order those at random.
   */
  #lastIdMs: number;
  /** The latest queued change; the next one starts after it settles. */
  #writes: Promise<unknown> = Promise.resolve();

  private constructor(
    backend: ThresholdBackend,
    values: Record<ThresholdKind, Map<string, number>>,
    stored: Record<ThresholdKind, Map<string, number>>,
    clock: Clock,
    lastIdMs: number,
  ) {
    this.#backend = backend;
    this.#values = values;
    this.#stored = stored;
    this.#clock = clock;
    this.#lastIdMs = lastIdMs;
  }

  /**
   * Loads stored overrides on top of the configured defaults (see
   * {@linkcode ThresholdStoreOptions}). Overrides for symbols no longer
   * tracked are ignored.
   */
  static async open(
    store: Deno.Kv | ThresholdBackend,
    options: ThresholdStoreOptions,
  ): Promise<ThresholdStore> {
    const { defaults, alertDefaults = {}, clock = systemClock } = options;
    const backend = isBackend(store) ? store : new KvThresholdBackend(store);
    const values: Record<ThresholdKind, Map<string, number>> = {
      whale: new Map(Object.entries(defaults)),
      trade: new Map(Object.entries(alertDefaults.trade ?? {})),
      spike: new Map(Object.entries(alertDefaults.spike ?? {})),
      liquidation: new Map(Object.entries(alertDefaults.liquidation ?? {})),
    };
    const overrides: Record<ThresholdKind, Map<string, number>> = {
      whale: new Map(),
      trade: new Map(),
      spike: new Map(),
      liquidation: new Map(),
    };
    for (const stored of await backend.overrides()) {
      const value = validThreshold(stored.value);
      if (value === undefined) continue;
      overrides[stored.kind].set(stored.symbol, value);
      if (values[stored.kind].has(stored.symbol)) {
        values[stored.kind].set(stored.symbol, value);
      }
    }
    const newest = await backend.newestAuditId();
    const lastIdMs = newest === undefined ? 0 : auditIdMs(newest);
    return new ThresholdStore(backend, values, overrides, clock, lastIdMs);
  }

  /**
   * Tracks `symbol` (a new listing) with `defaults` per kind (a kind left
   * out does not track it); a stored override wins over its default. A
   * symbol already tracked keeps its values. Returns its values.
   */
  track(
    symbol: string,
    defaults: Partial<Record<ThresholdKind, number>>,
  ): Partial<Record<ThresholdKind, number>> {
    const values: Partial<Record<ThresholdKind, number>> = {};
    for (const kind of THRESHOLD_KINDS) {
      const fallback = defaults[kind];
      const current = this.#values[kind].get(symbol);
      if (current !== undefined) values[kind] = current;
      else if (fallback !== undefined) {
        const value = this.#stored[kind].get(symbol) ?? fallback;
        this.#values[kind].set(symbol, value);
        values[kind] = value;
      }
    }
    return values;
  }

  /** Stops tracking `symbol` (delisted); its stored overrides stay. */
  untrack(symbol: string): void {
    for (const kind of THRESHOLD_KINDS) {
      this.#values[kind].delete(symbol);
    }
  }

  /** Every tracked symbol's threshold of `kind` (default the whale line). */
  all(kind: ThresholdKind = "whale"): Record<string, number> {
    return Object.fromEntries(this.#values[kind]);
  }

  /** One symbol's threshold of `kind` (default the whale line), if tracked. */
  get(symbol: string, kind: ThresholdKind = "whale"): number | undefined {
    return this.#values[kind].get(symbol);
  }

  /** Stores the whale `threshold` for `symbol` with its audit entry, atomically. */
  async set(
    symbol: string,
    threshold: number,
    actorIp: string,
  ): Promise<LineChange> {
    const [change] = await this.update(symbol, { whale: threshold }, actorIp);
    return change;
  }

  /**
   * Stores several of a symbol's thresholds and one audit entry per kind in
   * one atomic commit: all apply or none. Throws a `RangeError` when a kind
   * does not track `symbol` (nothing is written then).
   */
  async update(
    symbol: string,
    changes: Partial<Record<ThresholdKind, number>>,
    actorIp: string,
  ): Promise<LineChange[]> {
    const kinds = THRESHOLD_KINDS.filter((k) => changes[k] !== undefined);
    for (const kind of kinds) {
      if (!this.#values[kind].has(symbol)) {
        throw new RangeError(
          `Cannot set a ${kind} threshold: ${symbol} is not tracked`,
        );
      }
    }
    const write = this.#writes.then(() =>
      this.#commit(symbol, kinds, changes, actorIp)
    );
    this.#writes = write.catch(() => {});
    return await write;
  }

  /**
   * Writes `kinds` of `changes` with their audit entries, each recording the
   * value it replaces; retries when another writer got in between.
   */
  async #commit(
    symbol: string,
    kinds: readonly ThresholdKind[],
    changes: Partial<Record<ThresholdKind, number>>,
    actorIp: string,
  ): Promise<LineChange[]> {
    if (kinds.length === 0) return [];
    for (let attempt = 1;; attempt++) {
      const stored = await this.#backend.read(symbol, kinds);
      const now = this.#clock.now();
      const records = kinds.map((kind, i) => {
        const change: LineChange = {
          id: this.#nextAuditId(now),
          time: new Date(now).toISOString(),
          symbol,
          kind,
          previous: validThreshold(stored.values[i]) ??
            this.#values[kind].get(symbol)!,
          threshold: changes[kind]!,
          actor_ip: actorIp,
        };
        return change;
      });
      if (await this.#backend.commit(stored, records)) {
        for (const change of records) {
          this.#values[change.kind].set(symbol, change.threshold);
          this.#stored[change.kind].set(symbol, change.threshold);
        }
        return records;
      }
      if (attempt === MAX_COMMIT_ATTEMPTS) {
        throw new Error(
          `Threshold change was not committed: ${attempt} attempts conflicted with other writers`,
        );
      }
    }
  }

  /**
   * Commits `entry` to the audit trail through `commit`, which writes the
   * change (its id and time given here) in one atomic step with what it
   * records — a price alert, on the store beside this trail — so neither is
   * ever written without the other. `commit` may throw (a domain error, a
   * bound) or resolve false (a check failed): nothing is then written and
   * the promise rejects. Runs after every change queued before it.
   */
  async audited(
    entry: AuditEntry,
    commit: (change: ThresholdChange) => Promise<boolean>,
  ): Promise<ThresholdChange> {
    const write = this.#writes.then(async () => {
      const now = this.#clock.now();
      const change: ThresholdChange = {
        ...entry,
        id: this.#nextAuditId(now),
        time: new Date(now).toISOString(),
      };
      if (!await commit(change)) {
        throw new Error("The change was not committed: a check failed");
      }
      return change;
    });
    this.#writes = write.catch(() => {});
    return await write;
  }

  /** The next audit id: time-ordered even within one ms or after a clock step. */
  #nextAuditId(now: number): string {
    const idMs = Math.max(now, this.#lastIdMs + 1);
    this.#lastIdMs = idMs;
    return formatAuditId(idMs);
  }

  /**
   * Takes a change another instance committed (announced through the stream
   * engine) into this instance's values, without writing: the stored values
   * already hold it. Unknown symbols and unusable values are ignored.
   */
  adopt(
    symbol: string,
    changes: Partial<Record<ThresholdKind, number>>,
  ): void {
    for (const kind of THRESHOLD_KINDS) {
      const value = validThreshold(changes[kind]);
      if (value === undefined) continue;
      this.#stored[kind].set(symbol, value);
      if (this.#values[kind].has(symbol)) this.#values[kind].set(symbol, value);
    }
  }

  /** Threshold changes, newest first, at most `limit`. */
  async audit(limit = 100): Promise<ThresholdChange[]> {
    return (await this.auditPage({ limit })).changes;
  }

  /**
   * One page of threshold changes, newest first, optionally for one symbol.
   * The trail is small (changes are manual), so a symbol filter scans.
   */
  async auditPage(query: AuditPageQuery = {}): Promise<AuditPage> {
    const page = await takePage(this.#changes(query), query.limit ?? 100);
    return { changes: page.items, next_cursor: page.next_cursor };
  }

  /** Stored changes below `query.cursor`, newest first, of `query.symbol`. */
  async *#changes(query: AuditPageQuery): AsyncGenerator<ThresholdChange> {
    for await (const change of this.#backend.audit(query.cursor)) {
      if (query.symbol === undefined || change.symbol === query.symbol) {
        yield change;
      }
    }
  }
}

function isBackend(
  store: Deno.Kv | ThresholdBackend,
): store is ThresholdBackend {
  return typeof (store as ThresholdBackend).overrides === "function";
}

/** A stored threshold if it is usable (a positive finite number). */
function validThreshold(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0
    ? value
    : undefined;
}
