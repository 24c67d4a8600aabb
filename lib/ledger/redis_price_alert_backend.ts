/**
 * Price alerts on Redis, for `STREAM_ENGINE=redis`: one hash,
 * `price_alerts` (id → JSON), under the engine's prefix, so every instance
 * sees the same alerts. Each write is one Lua script: a create counts the
 * alerts (in all and on its symbol) and stores the alert with its audit
 * entry (the threshold trail's keys) only within the bounds; a delete
 * removes the alert and audits it only if it was there; the armed state is
 * replaced only if the alert is still stored as read and the leader's lease
 * is still this instance's.
 */
import type { Redis } from "ioredis";
import { runScript } from "../engine/redis_scripts.ts";
import type { Lease } from "../engine/stream_engine.ts";
import {
  type CreateOutcome,
  isStoredPriceAlert,
  type PriceAlertBackend,
  type PriceAlertLimits,
  type StoredPriceAlert,
} from "./price_alert_backend.ts";
import { redisAuditKeys } from "./redis_threshold_backend.ts";
import type { ThresholdChange } from "./threshold_store.ts";

/**
 * KEYS: alerts, audit data, audit index. ARGV: id, alert JSON, symbol, per
 * symbol, total, audit id, audit JSON. Returns the outcome.
 */
const CREATE_SCRIPT = `
local all = redis.call('HVALS', KEYS[1])
if #all >= tonumber(ARGV[5]) then return 'total-limit' end
local same = 0
for _, text in ipairs(all) do
  if cjson.decode(text).symbol == ARGV[3] then same = same + 1 end
end
if same >= tonumber(ARGV[4]) then return 'symbol-limit' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[6], ARGV[7])
redis.call('ZADD', KEYS[3], 0, ARGV[6])
return 'created'
`;

/** KEYS: alerts, audit data, audit index. ARGV: id, audit id, audit JSON. */
const REMOVE_SCRIPT = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], 0, ARGV[2])
return 1
`;

/** KEYS: lease, alerts. ARGV: fence ("" = none), id, expected, updated. */
const REPLACE_SCRIPT = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[2], ARGV[2]) ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
return 1
`;

/** Options of {@linkcode RedisPriceAlertBackend}. */
export interface RedisPriceAlertBackendOptions {
  readonly client: Redis;
  /** Key prefix shared with the engine. Default `sentinel:`. */
  readonly prefix?: string;
  /**
   * The lease this instance holds now (undefined while it does not lead),
   * fencing armed-state writes to the leader. Without it they are not
   * fenced.
   */
  readonly fence?: () => Lease | undefined;
}

/** {@linkcode PriceAlertBackend} on Redis. */
export class RedisPriceAlertBackend implements PriceAlertBackend {
  #client: Redis;
  #prefix: string;
  #fence: (() => Lease | undefined) | undefined;

  /** See {@linkcode RedisPriceAlertBackendOptions}. */
  constructor(options: RedisPriceAlertBackendOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix ?? "sentinel:";
    this.#fence = options.fence;
  }

  get #key(): string {
    return `${this.#prefix}price_alerts`;
  }

  async list(): Promise<StoredPriceAlert[]> {
    const texts = await this.#client.hvals(this.#key);
    return texts.map((text) => JSON.parse(text)).filter(isStoredPriceAlert);
  }

  async create(
    alert: StoredPriceAlert,
    audit: ThresholdChange,
    limits: PriceAlertLimits,
  ): Promise<CreateOutcome> {
    return String(
      await runScript(this.#client, CREATE_SCRIPT, [
        this.#key,
        ...redisAuditKeys(this.#prefix),
      ], [
        alert.id,
        JSON.stringify(alert),
        alert.symbol,
        limits.perSymbol,
        limits.total,
        audit.id,
        JSON.stringify(audit),
      ]),
    ) as CreateOutcome;
  }

  async remove(
    alert: StoredPriceAlert,
    audit: ThresholdChange,
  ): Promise<boolean> {
    const removed = await runScript(this.#client, REMOVE_SCRIPT, [
      this.#key,
      ...redisAuditKeys(this.#prefix),
    ], [alert.id, audit.id, JSON.stringify(audit)]);
    return Number(removed) === 1;
  }

  async replace(
    alert: StoredPriceAlert,
    updated: StoredPriceAlert,
  ): Promise<boolean> {
    let fence = "";
    if (this.#fence) {
      const lease = this.#fence();
      if (!lease) return false;
      fence = `${lease.holder}|${lease.token}`;
    }
    const replaced = await runScript(this.#client, REPLACE_SCRIPT, [
      `${this.#prefix}lease`,
      this.#key,
    ], [fence, alert.id, JSON.stringify(alert), JSON.stringify(updated)]);
    return Number(replaced) === 1;
  }
}
