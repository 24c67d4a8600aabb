/**
 * Thresholds and their audit trail on Redis, for `STREAM_ENGINE=redis`: one
 * hash per kind (symbol → value) and the audit as a hash (id → change) with a
 * lexicographic index (sorted set, score 0, member = id), so a page below a
 * cursor is one ZREVRANGEBYLEX. A commit is one Lua script that compares the
 * values read before and writes values and audit entries only if they are
 * unchanged — the same check-and-set the KV backend does with versionstamps.
 */
import type { Redis } from "ioredis";
import {
  THRESHOLD_KINDS as KINDS,
  type ThresholdKind,
} from "../alerts/symbol_thresholds.ts";
import { runScript } from "../engine/redis_scripts.ts";
import type {
  StoredThreshold,
  ThresholdBackend,
  ThresholdRead,
} from "./threshold_backend.ts";
import type { LineChange, ThresholdChange } from "./threshold_store.ts";

/**
 * KEYS: audit data, audit index. ARGV: prefix, n, then per change: kind,
 * symbol, expected ("" = none), value, id, json. Returns 1, or 0 when a
 * value changed since it was read.
 */
const COMMIT_SCRIPT = `
local p, n = ARGV[1], tonumber(ARGV[2])
for i = 0, n - 1 do
  local b = 3 + i * 6
  local current = redis.call('HGET', p .. 'thresholds:' .. ARGV[b], ARGV[b + 1]) or ''
  if current ~= ARGV[b + 2] then return 0 end
end
for i = 0, n - 1 do
  local b = 3 + i * 6
  redis.call('HSET', p .. 'thresholds:' .. ARGV[b], ARGV[b + 1], ARGV[b + 3])
  redis.call('HSET', KEYS[1], ARGV[b + 4], ARGV[b + 5])
  redis.call('ZADD', KEYS[2], 0, ARGV[b + 4])
end
return 1
`;

/**
 * The audit trail's two keys under `prefix`: the data hash (id → change)
 * and the lexicographic index; a store that audits its own writes (price
 * alerts) adds to both in the same script as the write.
 */
export function redisAuditKeys(prefix: string): [data: string, index: string] {
  return [`${prefix}audit:data`, `${prefix}audit:index`];
}

/** Options of {@linkcode RedisThresholdBackend}. */
export interface RedisThresholdBackendOptions {
  readonly client: Redis;
  /** Key prefix shared with the engine. Default `sentinel:`. */
  readonly prefix?: string;
}

/** {@linkcode ThresholdBackend} on Redis. */
export class RedisThresholdBackend implements ThresholdBackend {
  #client: Redis;
  #prefix: string;

  /** See {@linkcode RedisThresholdBackendOptions}. */
  constructor(options: RedisThresholdBackendOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix ?? "sentinel:";
  }

  #key(name: string): string {
    return `${this.#prefix}${name}`;
  }

  async overrides(): Promise<StoredThreshold[]> {
    const out: StoredThreshold[] = [];
    for (const kind of KINDS) {
      const stored = await this.#client.hgetall(
        this.#key(`thresholds:${kind}`),
      );
      for (const [symbol, value] of Object.entries(stored)) {
        out.push({ kind, symbol, value: Number(value) });
      }
    }
    return out;
  }

  async newestAuditId(): Promise<string | undefined> {
    const [id] = await this.#client.zrevrangebylex(
      this.#key("audit:index"),
      "+",
      "-",
      "LIMIT",
      0,
      1,
    );
    return id;
  }

  async read(
    symbol: string,
    kinds: readonly ThresholdKind[],
  ): Promise<ThresholdRead> {
    const raw = await Promise.all(
      kinds.map((kind) =>
        this.#client.hget(this.#key(`thresholds:${kind}`), symbol)
      ),
    );
    return {
      values: raw.map((v) => v === null ? undefined : Number(v)),
      token: raw.map((v) => v ?? ""),
    };
  }

  async commit(
    read: ThresholdRead,
    changes: readonly LineChange[],
  ): Promise<boolean> {
    const expected = read.token as string[];
    const args: (string | number)[] = [this.#prefix, changes.length];
    changes.forEach((change, i) =>
      args.push(
        change.kind,
        change.symbol,
        expected[i] ?? "",
        String(change.threshold),
        change.id,
        JSON.stringify(change),
      )
    );
    const ok = await runScript(
      this.#client,
      COMMIT_SCRIPT,
      redisAuditKeys(this.#prefix),
      args,
    );
    return Number(ok) === 1;
  }

  async *audit(cursor?: string): AsyncGenerator<ThresholdChange> {
    let high = cursor === undefined ? "+" : `(${cursor}`;
    for (;;) {
      const ids = await this.#client.zrevrangebylex(
        this.#key("audit:index"),
        high,
        "-",
        "LIMIT",
        0,
        100,
      );
      if (ids.length === 0) return;
      const texts = await this.#client.hmget(this.#key("audit:data"), ...ids);
      for (const text of texts) {
        if (text !== null) yield JSON.parse(text) as ThresholdChange;
      }
      if (ids.length < 100) return;
      high = `(${ids[ids.length - 1]}`;
    }
  }
}
