/**
 * Bars and the outage log in Deno KV, on the same store as the alert trail.
 *
 * Layout: `["candle", symbol, resolution, t]` → `[o, h, l, c, v, turnover,
 * source]` (a short array: about 80 bytes a bar, far below KV's 64 KiB per
 * value), so one series is one key range, read in order and trimmed from its
 * old end; `["candle_outage", from]` → the outage. Writes are split into
 * atomic commits of at most 1,000 mutations and 800 KiB, KV's per-commit
 * limits; bars are independent, so a write that fails half-way leaves
 * whole bars, never a torn one.
 *
 * With the KV stream engine only the leader writes: every commit then
 * checks the lease's versionstamp (the `fence` option), so a leader that
 * lost the lease writes nothing.
 */
import type { Candle, Outage } from "../protocol/candles.ts";
import type { StoredResolution } from "../candles/candle_intervals.ts";
import {
  type CandleStore,
  type DeleteResult,
  isOutage,
  type StoredBar,
} from "../candles/candle_store.ts";
import { FencedWriteError } from "./fenced_write_error.ts";

/** Most mutations in one atomic commit (KV's limit). */
export const MAX_COMMIT_MUTATIONS = 1_000;
/** Most bytes of keys and values in one commit (KV's limit: 800 KiB). */
export const MAX_COMMIT_BYTES = 800 * 1024;
/**
 * Upper bound of one bar's key and value, bytes: a 32-character symbol, the
 * resolution and a number in the key; seven numbers serialised in the value.
 */
const BAR_BYTES_BOUND = 256;

const BAR_ROOT = "candle";
const OUTAGE_ROOT = "candle_outage";

type Packed = [number, number, number, number, number, number, number];
const SOURCES = [undefined, "trades", "turnover"] as const;

function pack(c: Candle): Packed {
  return [
    c.o,
    c.h,
    c.l,
    c.c,
    c.v,
    c.turnover,
    c.volume_source === undefined ? 0 : SOURCES.indexOf(c.volume_source),
  ];
}

function unpack(t: number, value: unknown): Candle | undefined {
  if (!Array.isArray(value) || value.length !== 7) return undefined;
  if (!value.every((n) => typeof n === "number" && Number.isFinite(n))) {
    return undefined;
  }
  const [o, h, l, c, v, turnover, code] = value as Packed;
  const source = SOURCES[code];
  const bar: Candle = { t, o, h, l, c, v, turnover };
  return source === undefined ? bar : { ...bar, volume_source: source };
}

/** Options of {@linkcode KvCandleStore}. */
export interface KvCandleStoreOptions {
  /**
   * The check that fences each commit to the leader (the KV engine's
   * `fenceCheck` of the lease held now), undefined while this instance
   * does not lead: writes then throw a {@linkcode FencedWriteError}.
   * Without it writes are not fenced (one process).
   */
  readonly fence?: () => Deno.AtomicCheck | undefined;
}

/** A {@linkcode CandleStore} on Deno KV. */
export class KvCandleStore implements CandleStore {
  #kv: Deno.Kv;
  #fence: (() => Deno.AtomicCheck | undefined) | undefined;

  /** Uses `kv` (shared with the other ledgers; not closed here). */
  constructor(kv: Deno.Kv, options: KvCandleStoreOptions = {}) {
    this.#kv = kv;
    this.#fence = options.fence;
  }

  /** A new atomic operation, fenced when this store is. */
  #atomic(what: string): Deno.AtomicOperation {
    const op = this.#kv.atomic();
    if (!this.#fence) return op;
    const check = this.#fence();
    if (!check) throw new FencedWriteError(what);
    return op.check(check);
  }

  /** Commits `op`; a failed commit was fenced (nothing else is checked). */
  async #commit(op: Deno.AtomicOperation, what: string): Promise<void> {
    if (!(await op.commit()).ok) throw new FencedWriteError(what);
  }

  async put(bars: readonly StoredBar[]): Promise<void> {
    const perCommit = Math.min(
      MAX_COMMIT_MUTATIONS,
      Math.floor(MAX_COMMIT_BYTES / BAR_BYTES_BOUND),
    );
    for (let i = 0; i < bars.length; i += perCommit) {
      const op = this.#atomic("Bars");
      for (
        const { symbol, resolution, candle } of bars.slice(i, i + perCommit)
      ) {
        op.set([BAR_ROOT, symbol, resolution, candle.t], pack(candle));
      }
      await this.#commit(op, "Bars");
    }
  }

  async *load(
    symbol: string,
    resolution: StoredResolution,
    from: number,
    before = Infinity,
  ): AsyncIterable<Candle> {
    const prefix = [BAR_ROOT, symbol, resolution];
    const entries = this.#kv.list(
      Number.isFinite(before)
        ? { start: [...prefix, from], end: [...prefix, before] }
        : { prefix, start: [...prefix, from] },
      { batchSize: 1_000 },
    );
    for await (const entry of entries) {
      const t = entry.key[3];
      if (typeof t !== "number") continue;
      const bar = unpack(t, entry.value);
      if (bar) yield bar;
    }
  }

  async deleteBefore(
    symbol: string,
    resolution: StoredResolution,
    before: number,
    maxDeletes: number,
  ): Promise<DeleteResult> {
    const prefix = [BAR_ROOT, symbol, resolution];
    const keys: Deno.KvKey[] = [];
    let more = false;
    const entries = this.#kv.list(
      { prefix, end: [...prefix, before] },
      { limit: maxDeletes + 1 },
    );
    for await (const entry of entries) {
      if (keys.length === maxDeletes) {
        more = true;
        break;
      }
      keys.push(entry.key);
    }
    for (let i = 0; i < keys.length; i += MAX_COMMIT_MUTATIONS) {
      const op = this.#atomic("Retention");
      for (const key of keys.slice(i, i + MAX_COMMIT_MUTATIONS)) op.delete(key);
      await this.#commit(op, "Retention");
    }
    return { deleted: keys.length, more };
  }

  async putOutage(outage: Outage): Promise<void> {
    const op = this.#atomic("Outage").set([OUTAGE_ROOT, outage.from], outage);
    await this.#commit(op, "Outage");
  }

  async outages(from: number, to: number): Promise<Outage[]> {
    const found: Outage[] = [];
    const selector: Deno.KvListSelector = Number.isFinite(to)
      ? { prefix: [OUTAGE_ROOT], end: [OUTAGE_ROOT, to] }
      : { prefix: [OUTAGE_ROOT] };
    for await (const entry of this.#kv.list<Outage>(selector)) {
      const outage = entry.value;
      if (!isOutage(outage)) continue;
      if (outage.to === null || outage.to > from) found.push(outage);
    }
    return found;
  }

  async deleteOutagesBefore(before: number): Promise<number> {
    let deleted = 0;
    const selector = { prefix: [OUTAGE_ROOT], end: [OUTAGE_ROOT, before] };
    for await (const entry of this.#kv.list<Outage>(selector)) {
      const outage = entry.value;
      if (isOutage(outage) && outage.to !== null && outage.to < before) {
        await this.#commit(
          this.#atomic("Retention").delete(entry.key),
          "Retention",
        );
        deleted++;
      }
    }
    return deleted;
  }
}
