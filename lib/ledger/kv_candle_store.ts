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
 */
import type { Candle, Outage } from "../protocol/candles.ts";
import type { StoredResolution } from "../candles/candle_intervals.ts";
import type {
  CandleStore,
  DeleteResult,
  StoredBar,
} from "../candles/candle_store.ts";

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

/** A {@linkcode CandleStore} on Deno KV. */
export class KvCandleStore implements CandleStore {
  #kv: Deno.Kv;

  /** Uses `kv` (shared with the other ledgers; not closed here). */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  async put(bars: readonly StoredBar[]): Promise<void> {
    const perCommit = Math.min(
      MAX_COMMIT_MUTATIONS,
      Math.floor(MAX_COMMIT_BYTES / BAR_BYTES_BOUND),
    );
    for (let i = 0; i < bars.length; i += perCommit) {
      const op = this.#kv.atomic();
      for (
        const { symbol, resolution, candle } of bars.slice(i, i + perCommit)
      ) {
        op.set([BAR_ROOT, symbol, resolution, candle.t], pack(candle));
      }
      const result = await op.commit();
      if (!result.ok) throw new Error("Bars were not committed");
    }
  }

  async *load(
    symbol: string,
    resolution: StoredResolution,
    from: number,
  ): AsyncIterable<Candle> {
    const prefix = [BAR_ROOT, symbol, resolution];
    const entries = this.#kv.list(
      { prefix, start: [...prefix, from] },
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
      const op = this.#kv.atomic();
      for (const key of keys.slice(i, i + MAX_COMMIT_MUTATIONS)) op.delete(key);
      await op.commit();
    }
    return { deleted: keys.length, more };
  }

  async putOutage(outage: Outage): Promise<void> {
    await this.#kv.set([OUTAGE_ROOT, outage.from], outage);
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
        await this.#kv.delete(entry.key);
        deleted++;
      }
    }
    return deleted;
  }
}

function isOutage(value: unknown): value is Outage {
  if (typeof value !== "object" || value === null) return false;
  const o = value as Partial<Outage>;
  return typeof o.from === "number" && typeof o.reason === "string" &&
    (o.to === null || typeof o.to === "number");
}
