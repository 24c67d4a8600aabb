/**
 * Bars and the outage log in Deno KV, on the same store as the alert trail.
 *
 * Layout: 1 m and 1 h bars under `["candle", symbol, resolution, t]`, so one
 * series is one key range, read in order and trimmed from its old end. 1 s
 * bars under `["candle_1s", t, symbol]`: a whole market closes a thousand of
 * them every second, and keys in time order make that write an append to
 * the end of KV's index instead of a thousand scattered page writes (a
 * thousand bars cost about 15 ms of CPU a commit this way, 70–90 ms and
 * growing with the table the other way: see the README). A symbol's 1 s
 * bars are then read by key (`getMany`, ten at a time) for each second of
 * the range, and retention trims every symbol's 1 s bars at once (they
 * share one horizon). 1 s bars that an earlier version wrote under the
 * series layout are still read and trimmed.
 *
 * Values are 49 bytes, `[o, h, l, c, v, turnover]` as float64 and the
 * volume source's code (KV keeps bytes as they are: no decoding on read;
 * bars an earlier version wrote as arrays are still read);
 * `["candle_outage", from]` → the outage. Writes are split into atomic
 * commits of at most 1,000 mutations and 800 KiB, KV's per-commit limits;
 * bars are independent, so a write that fails half-way leaves whole bars,
 * never a torn one.
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
const SECOND_ROOT = "candle_1s";
const OUTAGE_ROOT = "candle_outage";
/** Most keys in one `getMany` (KV's limit). */
const MAX_GET_MANY = 10;
/** `getMany` calls in flight at once when reading 1 s bars. */
const GETS_AT_ONCE = 8;
const SECOND = 1_000;

type Packed = [number, number, number, number, number, number, number];
const SOURCES = [undefined, "trades", "turnover"] as const;
/** A packed bar: six float64 (little-endian) and the source's code. */
const PACKED_BYTES = 6 * 8 + 1;

/**
 * `[o, h, l, c, v, turnover]` as float64 and the volume source's code, in
 * 49 bytes: KV keeps bytes as they are, so reading a bar back skips the
 * structured-clone decoding an array needs (a third of the CPU of loading
 * a whole market's books at start).
 */
function pack(c: Candle): Uint8Array {
  const bytes = new Uint8Array(PACKED_BYTES);
  const view = new DataView(bytes.buffer);
  view.setFloat64(0, c.o, true);
  view.setFloat64(8, c.h, true);
  view.setFloat64(16, c.l, true);
  view.setFloat64(24, c.c, true);
  view.setFloat64(32, c.v, true);
  view.setFloat64(40, c.turnover, true);
  bytes[48] = c.volume_source === undefined
    ? 0
    : SOURCES.indexOf(c.volume_source);
  return bytes;
}

/**
 * A stored bar back, from the bytes `pack` writes or the array an earlier
 * version wrote; undefined for anything else.
 */
function unpack(t: number, value: unknown): Candle | undefined {
  let fields: Packed;
  if (value instanceof Uint8Array && value.length === PACKED_BYTES) {
    const view = new DataView(value.buffer, value.byteOffset, PACKED_BYTES);
    fields = [
      view.getFloat64(0, true),
      view.getFloat64(8, true),
      view.getFloat64(16, true),
      view.getFloat64(24, true),
      view.getFloat64(32, true),
      view.getFloat64(40, true),
      value[48],
    ];
  } else if (Array.isArray(value) && value.length === 7) {
    fields = value as Packed;
  } else return undefined;
  if (!fields.every((n) => typeof n === "number" && Number.isFinite(n))) {
    return undefined;
  }
  const [o, h, l, c, v, turnover, code] = fields;
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
    for (const { resolution, candle } of bars) {
      if (resolution === "1s" && candle.t % SECOND !== 0) {
        throw new RangeError(`a 1 s bar starts on a second, got ${candle.t}`);
      }
    }
    for (let i = 0; i < bars.length; i += perCommit) {
      const op = this.#atomic("Bars");
      for (const bar of bars.slice(i, i + perCommit)) {
        op.set(
          barKey(bar.symbol, bar.resolution, bar.candle.t),
          pack(bar.candle),
        );
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
    if (resolution !== "1s") {
      yield* this.#loadSeries(symbol, resolution, from, before);
      return;
    }
    // 1 s bars an earlier version wrote under the series layout (at most a
    // 1 s horizon's worth, and none once it has passed), merged in time
    // order with the time-ordered ones, which win a tie.
    const older: Candle[] = [];
    for await (const bar of this.#loadSeries(symbol, "1s", from, before)) {
      older.push(bar);
    }
    let i = 0;
    for await (const bar of this.#loadSeconds(symbol, from, before)) {
      while (i < older.length && older[i].t < bar.t) yield older[i++];
      if (older[i]?.t === bar.t) i++;
      yield bar;
    }
    yield* older.slice(i);
  }

  /**
   * 1 s bars of `symbol` in `[from, before)`, by key for each second: a few
   * `getMany` of ten keys at once, so their reads overlap.
   */
  async *#loadSeconds(
    symbol: string,
    from: number,
    before: number,
  ): AsyncIterable<Candle> {
    const [first, last] = await Promise.all([
      this.#secondAtEnd(false),
      this.#secondAtEnd(true),
    ]);
    if (first === undefined || last === undefined) return;
    const start = Math.max(Math.ceil(from / SECOND) * SECOND, first);
    const end = Math.min(before, last + SECOND);
    const step = MAX_GET_MANY * GETS_AT_ONCE * SECOND;
    for (let t = start; t < end; t += step) {
      const keys: Deno.KvKey[] = [];
      for (let k = t; k < Math.min(end, t + step); k += SECOND) {
        keys.push([SECOND_ROOT, k, symbol]);
      }
      const batches = [];
      for (let i = 0; i < keys.length; i += MAX_GET_MANY) {
        batches.push(this.#kv.getMany(keys.slice(i, i + MAX_GET_MANY)));
      }
      for (const entry of (await Promise.all(batches)).flat()) {
        const at = entry.key[1];
        if (entry.value === null || typeof at !== "number") continue;
        const bar = unpack(at, entry.value);
        if (bar) yield bar;
      }
    }
  }

  /** Start of the oldest (or newest) 1 s bar of any symbol. */
  async #secondAtEnd(newest: boolean): Promise<number | undefined> {
    const entries = this.#kv.list(
      { prefix: [SECOND_ROOT] },
      { limit: 1, reverse: newest },
    );
    for await (const entry of entries) {
      const t = entry.key[1];
      if (typeof t === "number") return t;
    }
    return undefined;
  }

  /** Bars of one series stored under the series layout. */
  async *#loadSeries(
    symbol: string,
    resolution: StoredResolution,
    from: number,
    before: number,
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

  /**
   * See {@linkcode CandleStore.deleteBefore}. For 1 s bars it deletes every
   * symbol's bars before `before` (they are kept in time order and share
   * one horizon), and this symbol's from an earlier version's layout.
   */
  async deleteBefore(
    symbol: string,
    resolution: StoredResolution,
    before: number,
    maxDeletes: number,
  ): Promise<DeleteResult> {
    const prefix = [BAR_ROOT, symbol, resolution];
    const series = await this.#deleteRange(
      { prefix, end: [...prefix, before] },
      maxDeletes,
    );
    if (resolution !== "1s" || series.more) return series;
    const seconds = await this.#deleteRange(
      { prefix: [SECOND_ROOT], end: [SECOND_ROOT, before] },
      maxDeletes - series.deleted,
    );
    return {
      deleted: series.deleted + seconds.deleted,
      more: seconds.more,
    };
  }

  /** Deletes at most `maxDeletes` entries of `selector`, oldest first. */
  async #deleteRange(
    selector: Deno.KvListSelector,
    maxDeletes: number,
  ): Promise<DeleteResult> {
    const keys: Deno.KvKey[] = [];
    let more = false;
    const entries = this.#kv.list(selector, { limit: maxDeletes + 1 });
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

/** Where a bar lives: 1 s bars in time order, the others per series. */
function barKey(
  symbol: string,
  resolution: StoredResolution,
  t: number,
): Deno.KvKey {
  return resolution === "1s"
    ? [SECOND_ROOT, t, symbol]
    : [BAR_ROOT, symbol, resolution, t];
}
