/**
 * The alert trail in Redis, for `STREAM_ENGINE=redis`: the same ids, filters,
 * cursors, export and retention as the Deno KV trail (`alert_store.ts`), on
 * the Redis every instance shares. Each alert is a field of one hash (id →
 * frame) and a member of four sorted sets used as lexicographic indexes (all,
 * by symbol, by kind, by both; score 0, member = id), so a filtered page is a
 * single ZREVRANGEBYLEX, as a KV page is a single range read.
 *
 * Appends run as one Lua script that checks the leader's fence, skips drafts
 * whose idempotency key was appended before, and moves the meta record (last
 * id, count) only if nobody else did meanwhile: a paused old leader writes
 * nothing, and an alert a new leader raises again is stored once.
 */
import type { Redis } from "ioredis";
import { alertIdFloor } from "../alerts/alert_id.ts";
import type { Lease } from "../engine/stream_engine.ts";
import { runScript } from "../engine/redis_scripts.ts";
import type { AlertFrame } from "../protocol/frames.ts";
import * as trail from "./alert_trail.ts";
import type {
  KeyedFrame,
  TrailCommit,
  TrailHead,
  TrailWriter,
} from "./trail_append.ts";

/** Options of {@linkcode RedisAlertStore.open}. */
export interface RedisAlertStoreOptions {
  readonly client: Redis;
  /** Key prefix shared with the engine. Default `sentinel:`. */
  readonly prefix?: string;
  /** How long an idempotency key is remembered, s. Default 7 days. */
  readonly keyTtlSeconds?: number;
}

/**
 * KEYS: meta, lease, data. ARGV: expected last id ("" = none), fence ("" =
 * none), prefix, key ttl, new last id, then key, id, symbol, kind, frame
 * per alert. Returns {'ok', stored ids} or {'fenced'} or {'race'}.
 */
const APPEND_SCRIPT = `
if ARGV[2] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[2] then return {'fenced'} end
local last = redis.call('HGET', KEYS[1], 'last_id') or ''
if last ~= ARGV[1] then return {'race'} end
local p = ARGV[3]
local stored = {}
for i = 6, #ARGV, 5 do
  local key, id, symbol, kind, frame = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4]
  if key == '' or redis.call('SET', p .. 'alert_trail_key:' .. key, id, 'NX', 'EX', ARGV[4]) then
    redis.call('HSET', KEYS[3], id, frame)
    redis.call('ZADD', p .. 'alerts:all', 0, id)
    redis.call('ZADD', p .. 'alerts:symbol:' .. symbol, 0, id)
    redis.call('ZADD', p .. 'alerts:kind:' .. kind, 0, id)
    redis.call('ZADD', p .. 'alerts:sk:' .. symbol .. ':' .. kind, 0, id)
    stored[#stored + 1] = id
  end
end
redis.call('HSET', KEYS[1], 'last_id', ARGV[5])
redis.call('HINCRBY', KEYS[1], 'count', #stored)
return {'ok', stored}
`;

/** KEYS: meta, data. ARGV: prefix, then id, symbol, kind per alert. */
const DELETE_SCRIPT = `
local p = ARGV[1]
local deleted = 0
for i = 2, #ARGV, 3 do
  local id, symbol, kind = ARGV[i], ARGV[i+1], ARGV[i+2]
  deleted = deleted + redis.call('HDEL', KEYS[2], id)
  redis.call('ZREM', p .. 'alerts:all', id)
  redis.call('ZREM', p .. 'alerts:symbol:' .. symbol, id)
  redis.call('ZREM', p .. 'alerts:kind:' .. kind, id)
  redis.call('ZREM', p .. 'alerts:sk:' .. symbol .. ':' .. kind, id)
end
local count = redis.call('HINCRBY', KEYS[1], 'count', -deleted)
if count < 0 then redis.call('HSET', KEYS[1], 'count', 0) end
return deleted
`;

/** The alert trail on Redis: append, page, export and prune. */
export class RedisAlertStore extends trail.PagedAlertTrail {
  #client: Redis;
  #prefix: string;
  #keyTtl: number;
  #count = 0;
  #writer: TrailWriter<undefined>;

  private constructor(options: RedisAlertStoreOptions) {
    super();
    this.#client = options.client;
    this.#prefix = options.prefix ?? "sentinel:";
    this.#keyTtl = options.keyTtlSeconds ?? 7 * 86_400;
    this.#writer = {
      head: async () => ({ lastId: await this.#readMeta(), token: undefined }),
      commit: (head, frames, fence) => this.#commit(head, frames, fence),
    };
  }

  /** Opens the trail on `options.client`. */
  static async open(options: RedisAlertStoreOptions): Promise<RedisAlertStore> {
    const store = new RedisAlertStore(options);
    await store.#readMeta();
    return store;
  }

  /** Alerts stored, as of this process's last write, prune or read of the meta. */
  get count(): number {
    return this.#count;
  }

  async #readMeta(): Promise<string> {
    const [last, count] = await this.#client.hmget(
      this.#key("alerts:meta"),
      "last_id",
      "count",
    );
    this.#count = Math.max(0, Number(count ?? 0));
    return last ?? "";
  }

  #key(name: string): string {
    return `${this.#prefix}${name}`;
  }

  /** Reads the meta record and commits in one fenced script. */
  protected get writer(): TrailWriter<undefined> {
    return this.#writer;
  }

  async #commit(
    head: TrailHead<undefined>,
    frames: readonly KeyedFrame[],
    fence: Lease | undefined,
  ): Promise<TrailCommit> {
    const args: (string | number)[] = [
      head.lastId,
      fence ? `${fence.holder}|${fence.token}` : "",
      this.#prefix,
      this.#keyTtl,
      frames[frames.length - 1].frame.id,
    ];
    for (const { key, frame } of frames) {
      args.push(key, frame.id, frame.symbol, frame.kind, JSON.stringify(frame));
    }
    const reply = await runScript(this.#client, APPEND_SCRIPT, [
      this.#key("alerts:meta"),
      this.#key("lease"),
      this.#key("alerts:data"),
    ], args) as [string, string[]?];
    if (reply[0] === "fenced") return "fenced";
    if (reply[0] !== "ok") return "race";
    this.#count += reply[1]!.length;
    return new Set(reply[1]);
  }

  /** Every alert matching `query`, newest first, read in batches. */
  async *iterate(
    query: Omit<trail.AlertPageQuery, "limit"> = {},
    batch = 200,
  ): AsyncGenerator<AlertFrame> {
    const index = this.#index(query);
    const range = trail.alertIdRange(query);
    const low = range.low;
    let high = range.high;
    for (;;) {
      if (low >= high) return;
      const ids = await this.#client.zrevrangebylex(
        index,
        `(${high}`,
        low === "" ? "-" : `[${low}`,
        "LIMIT",
        0,
        batch,
      );
      if (ids.length === 0) return;
      const frames = await this.#client.hmget(this.#key("alerts:data"), ...ids);
      for (const text of frames) {
        if (text !== null) yield JSON.parse(text) as AlertFrame;
      }
      if (ids.length < batch) return;
      high = ids[ids.length - 1];
    }
  }

  #index(filter: trail.AlertFilter): string {
    if (filter.symbol !== undefined && filter.kind !== undefined) {
      return this.#key(`alerts:sk:${filter.symbol}:${filter.kind}`);
    }
    if (filter.symbol !== undefined) {
      return this.#key(`alerts:symbol:${filter.symbol}`);
    }
    if (filter.kind !== undefined) {
      return this.#key(`alerts:kind:${filter.kind}`);
    }
    return this.#key("alerts:all");
  }

  /**
   * Deletes alerts past the age limit, then the oldest beyond the count
   * limit, at most `maxDeletes` per run; `more` says whether another is due.
   */
  prune(options: trail.PruneOptions): Promise<trail.PruneResult> {
    return this.serial(() => this.#prune(options));
  }

  async #prune(options: trail.PruneOptions): Promise<trail.PruneResult> {
    const maxDeletes = options.maxDeletes ?? 1_000;
    const cutoff = alertIdFloor(options.now - options.maxAgeMs);
    let deleted = 0;
    while (deleted < maxDeletes) {
      await this.#readMeta();
      const overCount = Math.max(0, this.#count - options.maxCount);
      const want = Math.min(100, maxDeletes - deleted);
      const oldest = await this.#client.zrangebylex(
        this.#key("alerts:all"),
        "-",
        "+",
        "LIMIT",
        0,
        want,
      );
      const victims = oldest.filter((id, i) => id < cutoff || i < overCount);
      if (victims.length === 0) return { deleted, more: false };
      const frames = await this.#client.hmget(
        this.#key("alerts:data"),
        ...victims,
      );
      const args: string[] = [this.#prefix];
      victims.forEach((id, i) => {
        const frame = frames[i]
          ? JSON.parse(frames[i]!) as AlertFrame
          : undefined;
        args.push(id, frame?.symbol ?? "", frame?.kind ?? "");
      });
      const removed = Number(
        await runScript(this.#client, DELETE_SCRIPT, [
          this.#key("alerts:meta"),
          this.#key("alerts:data"),
        ], args),
      );
      // An index entry whose frame was already gone still leaves the set.
      await this.#client.zrem(this.#key("alerts:all"), ...victims);
      deleted += Math.max(removed, 0) || victims.length;
      this.#count = Math.max(0, this.#count - removed);
    }
    const [next] = await this.#client.zrangebylex(
      this.#key("alerts:all"),
      "-",
      "+",
      "LIMIT",
      0,
      1,
    );
    await this.#readMeta();
    return {
      deleted,
      more: this.#count > options.maxCount ||
        (next !== undefined && next < cutoff),
    };
  }
}
