/**
 * Bars and the outage log on Redis, for `STREAM_ENGINE=redis`: every
 * instance reads the same candles from the Redis that carries the stream,
 * and only the leader writes them.
 *
 * Layout (under the engine's prefix): one sorted set per series,
 * `candles:<symbol>:<resolution>`, scored by the bar's start, each member
 * the bar packed as `t|o|h|l|c|v|turnover|source` (numbers as JavaScript
 * prints them, so they read back exactly; about 80 bytes a bar); the outage
 * log is one hash, `candle_outages` (start → JSON). Every write is one Lua
 * script that first compares the lease with the leader's (`<holder>|<token>`,
 * the fence), so a leader that lost the lease writes nothing; bars are
 * written in scripts of at most 1,000, and are independent, so a write that
 * fails half-way leaves whole bars.
 */
import type { Redis } from "ioredis";
import type { StoredResolution } from "../candles/candle_intervals.ts";
import {
  type CandleStore,
  type DeleteResult,
  isOutage,
  type StoredBar,
} from "../candles/candle_store.ts";
import { runScript } from "../engine/redis_scripts.ts";
import type { Lease } from "../engine/stream_engine.ts";
import type { Candle, Outage } from "../protocol/candles.ts";
import { FencedWriteError } from "./fenced_write_error.ts";

/**
 * KEYS: lease. ARGV: fence ("" = none), prefix, then series, t, member per
 * bar. A bar replaces the one with the same start. Returns 1, or 0 when
 * fenced.
 */
const PUT_SCRIPT = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 3, #ARGV, 3 do
  local key = ARGV[2] .. 'candles:' .. ARGV[i]
  redis.call('ZREMRANGEBYSCORE', key, ARGV[i + 1], ARGV[i + 1])
  redis.call('ZADD', key, ARGV[i + 1], ARGV[i + 2])
end
return 1
`;

/**
 * KEYS: lease, series. ARGV: fence, before, max deletes. Deletes the oldest
 * bars starting before `before`; returns {deleted, due} or -1 when fenced.
 */
const DELETE_SCRIPT = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local due = redis.call('ZCOUNT', KEYS[2], '-inf', '(' .. ARGV[2])
local n = math.min(due, tonumber(ARGV[3]))
if n > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, n - 1) end
return {n, due}
`;

/**
 * KEYS: lease, outages. ARGV: fence, then field, value pairs to set (value
 * "" deletes the field). Returns 1, or 0 when fenced.
 */
const OUTAGES_SCRIPT = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[2], ARGV[i])
  else redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
return 1
`;

/** Bars per script (the rest follow in the next one). */
const BARS_PER_SCRIPT = 1_000;
/** Bars read per round trip. */
const BARS_PER_READ = 1_000;

const SOURCES = ["", "trades", "turnover"] as const;

/** Options of {@linkcode RedisCandleStore}. */
export interface RedisCandleStoreOptions {
  readonly client: Redis;
  /** Key prefix shared with the engine. Default `sentinel:`. */
  readonly prefix?: string;
  /**
   * The lease this instance holds now, undefined while it does not lead:
   * writes then throw a {@linkcode FencedWriteError}. Without it writes
   * are not fenced.
   */
  readonly fence?: () => Lease | undefined;
}

/** A {@linkcode CandleStore} on Redis. */
export class RedisCandleStore implements CandleStore {
  #client: Redis;
  #prefix: string;
  #fence: (() => Lease | undefined) | undefined;

  /** See {@linkcode RedisCandleStoreOptions}. */
  constructor(options: RedisCandleStoreOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix ?? "sentinel:";
    this.#fence = options.fence;
  }

  #key(name: string): string {
    return `${this.#prefix}${name}`;
  }

  /** The fence argument of a script; throws when this instance does not lead. */
  #fenceArg(what: string): string {
    if (!this.#fence) return "";
    const lease = this.#fence();
    if (!lease) throw new FencedWriteError(what);
    return `${lease.holder}|${lease.token}`;
  }

  async put(bars: readonly StoredBar[]): Promise<void> {
    for (let i = 0; i < bars.length; i += BARS_PER_SCRIPT) {
      const args: string[] = [this.#fenceArg("Bars"), this.#prefix];
      for (
        const { symbol, resolution, candle } of bars.slice(
          i,
          i + BARS_PER_SCRIPT,
        )
      ) {
        args.push(`${symbol}:${resolution}`, String(candle.t), pack(candle));
      }
      const ok = await runScript(
        this.#client,
        PUT_SCRIPT,
        [this.#key("lease")],
        args,
      );
      if (Number(ok) !== 1) throw new FencedWriteError("Bars");
    }
  }

  async *load(
    symbol: string,
    resolution: StoredResolution,
    from: number,
    before = Infinity,
  ): AsyncIterable<Candle> {
    const key = this.#key(`candles:${symbol}:${resolution}`);
    const high = Number.isFinite(before) ? `(${before}` : "+inf";
    let low = String(from);
    for (;;) {
      const members = await this.#client.zrangebyscore(
        key,
        low,
        high,
        "LIMIT",
        0,
        BARS_PER_READ,
      );
      let last: number | undefined;
      for (const member of members) {
        const bar = unpack(member);
        if (bar) yield bar;
        last = Number(member.slice(0, member.indexOf("|")));
      }
      if (members.length < BARS_PER_READ || last === undefined) return;
      low = `(${last}`;
    }
  }

  async deleteBefore(
    symbol: string,
    resolution: StoredResolution,
    before: number,
    maxDeletes: number,
  ): Promise<DeleteResult> {
    const reply = await runScript(this.#client, DELETE_SCRIPT, [
      this.#key("lease"),
      this.#key(`candles:${symbol}:${resolution}`),
    ], [this.#fenceArg("Retention"), String(before), maxDeletes]);
    if (!Array.isArray(reply)) throw new FencedWriteError("Retention");
    const [deleted, due] = reply.map(Number);
    return { deleted, more: due > deleted };
  }

  async putOutage(outage: Outage): Promise<void> {
    await this.#writeOutages("Outage", [
      String(outage.from),
      JSON.stringify(outage),
    ]);
  }

  async outages(from: number, to: number): Promise<Outage[]> {
    return (await this.#all()).filter((o) =>
      o.from < to && (o.to === null || o.to > from)
    );
  }

  async deleteOutagesBefore(before: number): Promise<number> {
    const due = (await this.#all()).filter((o) =>
      o.to !== null && o.to < before
    );
    if (due.length === 0) return 0;
    await this.#writeOutages(
      "Retention",
      due.flatMap((o) => [String(o.from), ""]),
    );
    return due.length;
  }

  /** Every stored outage, oldest first. */
  async #all(): Promise<Outage[]> {
    const stored = await this.#client.hvals(this.#key("candle_outages"));
    return stored.map(parseJson).filter(isOutage).sort((a, b) =>
      a.from - b.from
    );
  }

  async #writeOutages(what: string, pairs: string[]): Promise<void> {
    const ok = await runScript(this.#client, OUTAGES_SCRIPT, [
      this.#key("lease"),
      this.#key("candle_outages"),
    ], [this.#fenceArg(what), ...pairs]);
    if (Number(ok) !== 1) throw new FencedWriteError(what);
  }
}

function pack(c: Candle): string {
  const source = c.volume_source === undefined
    ? 0
    : SOURCES.indexOf(c.volume_source);
  return `${c.t}|${c.o}|${c.h}|${c.l}|${c.c}|${c.v}|${c.turnover}|${source}`;
}

function unpack(member: string): Candle | undefined {
  const parts = member.split("|").map(Number);
  if (parts.length !== 8 || !parts.every(Number.isFinite)) return undefined;
  const [t, o, h, l, c, v, turnover, code] = parts;
  const bar: Candle = { t, o, h, l, c, v, turnover };
  const source = SOURCES[code];
  return source ? { ...bar, volume_source: source } : bar;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
