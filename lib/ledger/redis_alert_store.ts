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
import { type AlertDraft, alertFrame } from "../alerts/alert_draft.ts";
import {
  alertIdFloor,
  type AlertIdParts,
  formatAlertId,
  nextAlertId,
  parseAlertId,
} from "../alerts/alert_id.ts";
import type { Lease } from "../engine/stream_engine.ts";
import { runScript } from "../engine/redis_scripts.ts";
import type { AlertFrame } from "../protocol/frames.ts";
import {
  type AlertFilter,
  alertIdRange,
  type AlertPage,
  type AlertPageQuery,
  pageOfAlerts,
  type PruneOptions,
  type PruneResult,
} from "./alert_store.ts";

/** A draft with the key that makes its append idempotent. */
export interface KeyedDraft {
  readonly key: string;
  readonly draft: AlertDraft;
}

/** Outcome of {@linkcode RedisAlertStore.appendOnce}. */
export type KeyedAppendResult =
  | { readonly ok: true; readonly stored: readonly AlertFrame[] }
  | { readonly ok: false; readonly reason: "fenced" };

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

/** Tries of an append that lost a race on the meta record. */
const ATTEMPTS = 10;

/** The alert trail on Redis: append, page, export and prune. */
export class RedisAlertStore {
  #client: Redis;
  #prefix: string;
  #keyTtl: number;
  #count = 0;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: RedisAlertStoreOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix ?? "sentinel:";
    this.#keyTtl = options.keyTtlSeconds ?? 7 * 86_400;
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

  /** Unfenced append without idempotency keys (the single-process path). */
  async append(drafts: readonly AlertDraft[]): Promise<AlertFrame[]> {
    const result = await this.appendOnce(
      drafts.map((draft) => ({ key: "", draft })),
    );
    if (!result.ok) throw new Error("Alerts were not stored: fenced");
    return [...result.stored];
  }

  /**
   * Gives each draft the next id and stores it unless its key was stored
   * before; with `fence`, nothing is written unless the lease is held.
   * Resolves with the frames stored now, in id order.
   */
  appendOnce(
    entries: readonly KeyedDraft[],
    fence?: Lease,
  ): Promise<KeyedAppendResult> {
    const run = this.#queue.then(() => this.#appendOnce(entries, fence));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #appendOnce(
    entries: readonly KeyedDraft[],
    fence?: Lease,
  ): Promise<KeyedAppendResult> {
    if (entries.length === 0) return { ok: true, stored: [] };
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const lastId = await this.#readMeta();
      let last: AlertIdParts | undefined = lastId === ""
        ? undefined
        : parseAlertId(lastId);
      const frames = entries.map(({ draft }) => {
        last = nextAlertId(last, draft.at);
        return alertFrame(draft, formatAlertId(last));
      });
      const args: (string | number)[] = [
        lastId,
        fence ? `${fence.holder}|${fence.token}` : "",
        this.#prefix,
        this.#keyTtl,
        frames[frames.length - 1].id,
      ];
      frames.forEach((frame, i) =>
        args.push(
          entries[i].key,
          frame.id,
          frame.symbol,
          frame.kind,
          JSON.stringify(frame),
        )
      );
      const reply = await runScript(this.#client, APPEND_SCRIPT, [
        this.#key("alerts:meta"),
        this.#key("lease"),
        this.#key("alerts:data"),
      ], args) as [string, string[]?];
      if (reply[0] === "fenced") return { ok: false, reason: "fenced" };
      if (reply[0] === "ok") {
        const ids = new Set(reply[1]);
        const stored = frames.filter((f) => ids.has(f.id));
        this.#count += stored.length;
        return { ok: true, stored };
      }
    }
    throw new Error("Alerts were not committed: the meta record kept changing");
  }

  /** One page of alerts matching `query`, newest first. */
  list(query: AlertPageQuery = {}): Promise<AlertPage> {
    return pageOfAlerts(query, (batch) => this.iterate(query, batch));
  }

  /** Every alert matching `query`, newest first, read in batches. */
  async *iterate(
    query: Omit<AlertPageQuery, "limit"> = {},
    batch = 200,
  ): AsyncGenerator<AlertFrame> {
    const index = this.#index(query);
    const range = alertIdRange(query);
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

  #index(filter: AlertFilter): string {
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
  prune(options: PruneOptions): Promise<PruneResult> {
    const run = this.#queue.then(() => this.#prune(options));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #prune(options: PruneOptions): Promise<PruneResult> {
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
