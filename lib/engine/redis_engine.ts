/**
 * The Redis engine. Per channel a counter (`seq:<channel>`) and a stream
 * (`hist:<channel>`, entry id `<seq>-1`, trimmed to exactly `historySize`);
 * one Lua script per publish checks epoch and fence, numbers, appends and
 * PUBLISHes the batch on one pub/sub channel, which every instance follows on
 * a second connection (`redis_feed.ts`: ordered delivery, reconnects, the
 * epoch). The epoch is a key created once (`SET NX`): it survives leader
 * changes and restarts of the service, and is gone only when Redis lost its
 * data — the next publish then finds it missing and a new one is made.
 */
import type { Redis } from "ioredis";
import { connectRedisPair } from "./redis_connection.ts";
import { type Clock, systemClock } from "../clock/clock.ts";
import { checkHistorySize } from "./engine_events.ts";
import { readEpoch, RedisFeed } from "./redis_feed.ts";
import {
  APPEND_ALERT_SCRIPT,
  PUBLISH_SCRIPT,
  runScript,
} from "./redis_scripts.ts";
import { leaseValue, RedisLease } from "./redis_lease.ts";
import { SharedEngine } from "./shared_engine.ts";
import { ALERT_CHANNEL, SERVICE_CHANNELS } from "./stream_engine.ts";
import type * as api from "./stream_engine.ts";

/** Options of {@linkcode RedisEngine.open}. */
export interface RedisEngineOptions {
  /** `redis://` or `rediss://` URL, with user and password if needed. */
  readonly url: string;
  /** Entries kept per channel (`HISTORY_SIZE`). */
  readonly historySize: number;
  /** Channels whose position is read at start (the symbols). */
  readonly channels?: readonly string[];
  /** This instance's id. Default a random UUID. */
  readonly instance?: string;
  /** Key prefix, so several deployments can share one Redis. Default `sentinel:`. */
  readonly prefix?: string;
  /** How long an alert key is remembered, s. Default 7 days. */
  readonly alertKeyTtlSeconds?: number;
  /** Time for lease expiry as the holder sees it. Default the system clock. */
  readonly clock?: Clock;
  /** How long a connection attempt may take, ms. Default 5 000. */
  readonly connectTimeoutMs?: number;
  /** Told about connection trouble (reconnects, backfill errors). */
  readonly onWarning?: (message: string, error?: unknown) => void;
}

/** The shared stream on one Redis. */
export class RedisEngine extends SharedEngine implements api.StreamEngine {
  readonly kind = "redis" as const;
  readonly instance: string;
  readonly historySize: number;
  #options: RedisEngineOptions;
  #prefix: string;
  #commands: Redis;
  #feed: RedisFeed;

  private constructor(
    options: RedisEngineOptions,
    commands: Redis,
    subscriber: Redis,
    epoch: string,
  ) {
    const instance = options.instance ?? crypto.randomUUID();
    const prefix = options.prefix ?? "sentinel:";
    super((events) =>
      new RedisLease(commands, {
        prefix,
        instance,
        clock: options.clock ?? systemClock,
        events,
      })
    );
    this.#options = options;
    this.instance = instance;
    this.historySize = options.historySize;
    this.#prefix = prefix;
    this.#commands = commands;
    this.#feed = new RedisFeed({
      commands,
      subscriber,
      prefix,
      epoch,
      events: this.events,
      history: (channel, after) => this.history(channel, after),
      onWarning: options.onWarning,
    });
  }

  /**
   * Connects (two connections: commands and pub/sub), creates or reads the
   * epoch, and reads each channel's position. Rejects when Redis cannot be
   * reached within `connectTimeoutMs`; the caller decides how to retry.
   */
  static async open(options: RedisEngineOptions): Promise<RedisEngine> {
    checkHistorySize(options.historySize);
    const { commands, subscriber } = await connectRedisPair(
      options.url,
      options.connectTimeoutMs ?? 5_000,
    );
    try {
      const epoch = await readEpoch(commands, options.prefix ?? "sentinel:");
      const engine = new RedisEngine(options, commands, subscriber, epoch);
      await engine.#feed.start([
        ...(options.channels ?? []),
        ...SERVICE_CHANNELS,
      ]);
      return engine;
    } catch (error) {
      commands.disconnect();
      subscriber.disconnect();
      throw error;
    }
  }

  get epoch(): string {
    return this.#feed.epoch;
  }

  get connected(): boolean {
    return this.#feed.connected;
  }

  /** The command connection, for stores that live beside the engine. */
  get client(): Redis {
    return this.#commands;
  }

  /** The key prefix in use. */
  get prefix(): string {
    return this.#prefix;
  }

  #key(kind: string, name = ""): string {
    return `${this.#prefix}${kind}${name}`;
  }

  /** Runs a script; a missing epoch becomes an `epoch-changed` refusal. */
  async #write(
    script: string,
    keys: string[],
    args: (string | number)[],
  ): Promise<
    { ok: true; seqs: number[] } | { ok: false; reason: api.RefusedReason } | {
      ok: "dup";
    }
  > {
    const reply = await runScript(this.#commands, script, keys, args) as [
      string,
      number[]?,
    ];
    if (reply[0] === "ok") return { ok: true, seqs: reply[1]!.map(Number) };
    if (reply[0] === "dup") return { ok: "dup" };
    if (reply[0] === "epoch") {
      await this.#feed.checkEpoch();
      return { ok: false, reason: "epoch-changed" };
    }
    return { ok: false, reason: "fenced" };
  }

  async publish(
    drafts: readonly api.EngineDraft[],
    fence?: api.Lease,
  ): Promise<api.PublishResult> {
    return await this.publishRaw(drafts, fence, true);
  }

  /**
   * {@linkcode publish}, optionally without the PUBLISH: stored but not
   * delivered, which is exactly what a lost pub/sub message looks like to a
   * follower. For fault-injection tests only.
   */
  async publishRaw(
    drafts: readonly api.EngineDraft[],
    fence: api.Lease | undefined,
    deliver: boolean,
  ): Promise<api.PublishResult> {
    if (drafts.length === 0) return { ok: true, entries: [] };
    const args: (string | number)[] = [
      this.epoch,
      fence ? leaseValue(fence) : "",
      this.historySize,
      this.#prefix,
      this.#feed.eventsKey,
      deliver ? "1" : "0",
    ];
    for (const draft of drafts) args.push(draft.channel, draft.data);
    const result = await this.#write(
      PUBLISH_SCRIPT,
      [this.#key("epoch"), this.#key("lease")],
      args,
    );
    if (result.ok !== true) return result as api.PublishResult;
    this.events.counts.publishes += drafts.length;
    return {
      ok: true,
      entries: drafts.map((d, i) => ({ ...d, seq: result.seqs[i] })),
    };
  }

  async history(channel: string, after: number): Promise<api.HistoryRead> {
    const key = this.#key("hist:", channel);
    const replies = await this.#commands.multi()
      .xrange(key, `${after + 1}-0`, "+")
      .get(this.#key("seq:", channel))
      .xrange(key, "-", "+", "COUNT", 1)
      .get(this.#key("epoch"))
      .exec();
    if (!replies) throw new Error("Redis transaction was discarded");
    for (const [error] of replies) if (error) throw error;
    const toEntries = (raw: unknown) =>
      (raw as [string, string[]][]).map(([id, fields]): api.EngineEntry => ({
        channel,
        seq: parseInt(id, 10),
        data: fields[1],
      }));
    const entries = toEntries(replies[0][1]);
    const oldest = toEntries(replies[2][1])[0];
    return {
      epoch: String(replies[3][1] ?? this.epoch),
      entries,
      oldestSeq: oldest?.seq,
      latestSeq: Number(replies[1][1] ?? 0),
    };
  }

  async appendAlert(
    key: string,
    data: string,
    fence: api.Lease,
  ): Promise<api.AppendResult> {
    const result = await this.#write(
      APPEND_ALERT_SCRIPT,
      [this.#key("epoch"), this.#key("lease"), this.#key("alert_key:", key)],
      [
        this.epoch,
        leaseValue(fence),
        this.historySize,
        this.#prefix,
        this.#feed.eventsKey,
        this.#options.alertKeyTtlSeconds ?? 7 * 86_400,
        ALERT_CHANNEL,
        data,
      ],
    );
    if (result.ok === "dup") return { ok: true, stored: false };
    if (result.ok === false) return result;
    this.events.counts.publishes++;
    return {
      ok: true,
      stored: true,
      entry: { channel: ALERT_CHANNEL, seq: result.seqs[0], data },
    };
  }

  /**
   * Whether Redis persists with AOF (`CONFIG GET appendonly`): true, false,
   * or undefined where CONFIG is not allowed (managed Redis often refuses it).
   */
  async appendOnly(): Promise<boolean | undefined> {
    try {
      const reply = await this.#commands.config(
        "GET",
        "appendonly",
      ) as string[];
      return reply[1] === undefined ? undefined : reply[1] === "yes";
    } catch {
      return undefined;
    }
  }

  /** Waits until no backfill is running (tests). */
  settled(): Promise<void> {
    return this.#feed.settled();
  }

  async close(): Promise<void> {
    this.events.clear();
    this.#feed.close();
    await Promise.resolve();
  }
}
