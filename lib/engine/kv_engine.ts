/**
 * The Deno KV engine (the default on Deno Deploy, where KV is shared by every
 * isolate). Per channel a head key holding the latest seq and one log key per
 * entry; a publish is one atomic commit that checks the epoch, the lease (by
 * versionstamp: the fence) and every head it moves, writes the new entries and
 * deletes the ones that fall out of history, so history holds exactly
 * `historySize` entries. Followers watch the head keys — a watch takes at most
 * 10 keys and reports only the latest value, never every change — and on each
 * report list the log after their cursor, so nothing is skipped however many
 * commits one report covers.
 *
 * Locally, a watch sees writes from other handles of the same process only
 * (not other processes on the same file): several instances on one machine
 * need Redis; on Deploy, KV is one store for all isolates.
 */
import { KvLease, type LeaseRecord } from "./kv_lease.ts";
import { type Clock, systemClock } from "../clock/clock.ts";
import { checkHistorySize } from "./engine_events.ts";
import type { OrderedDelivery } from "./ordered_delivery.ts";
import { SharedEngine } from "./shared_engine.ts";
import { ALERT_CHANNEL, SERVICE_CHANNELS } from "./stream_engine.ts";
import type * as api from "./stream_engine.ts";

/** Options of {@linkcode KvEngine.open}. */
export interface KvEngineOptions {
  /** The KV store (the caller keeps ownership and closes it). */
  readonly kv: Deno.Kv;
  /** Entries kept per channel (`HISTORY_SIZE`). */
  readonly historySize: number;
  /** Channels delivered besides the service's own (the symbols). */
  readonly channels: readonly string[];
  /** This instance's id. Default a random UUID. */
  readonly instance?: string;
  /** Key prefix. Default `["engine"]`. */
  readonly prefix?: Deno.KvKey;
  /** How long an alert key is remembered, ms. Default 7 days. */
  readonly alertKeyTtlMs?: number;
  /** Wall clock for lease expiry. Default the system clock. */
  readonly clock?: Clock;
  /** Told about watch and listing failures. */
  readonly onWarning?: (message: string, error?: unknown) => void;
}

/** Keys per `watch` and `getMany` call (a Deno KV limit). */
const KEYS_PER_CALL = 10;
/** Commits retried after losing a race before giving up. */
const ATTEMPTS = 20;

/** The shared stream on Deno KV. */
export class KvEngine extends SharedEngine<KvLease>
  implements api.StreamEngine {
  readonly kind = "kv" as const;
  readonly instance: string;
  readonly historySize: number;
  #kv: Deno.Kv;
  #options: KvEngineOptions;
  #prefix: Deno.KvKey;
  #clock: Clock;
  #channels: string[];
  #epoch: string;
  #epochStamp: string;
  #delivery: OrderedDelivery;
  #watches: ReadableStreamDefaultReader<Deno.KvEntryMaybe<unknown>[]>[] = [];
  #pulling = new Map<string, { again: boolean }>();
  #closed = false;

  private constructor(
    options: KvEngineOptions,
    epoch: Deno.KvEntry<string>,
  ) {
    const instance = options.instance ?? crypto.randomUUID();
    const prefix = options.prefix ?? ["engine"];
    super((events) =>
      new KvLease({
        kv: options.kv,
        key: (...parts) => [...prefix, ...parts],
        instance,
        clock: options.clock ?? systemClock,
        events,
      })
    );
    this.#options = options;
    this.#kv = options.kv;
    this.instance = instance;
    this.historySize = options.historySize;
    this.#prefix = prefix;
    this.#clock = options.clock ?? systemClock;
    this.#channels = [
      ...new Set([...options.channels, ...SERVICE_CHANNELS]),
    ];
    this.#epoch = epoch.value;
    this.#epochStamp = epoch.versionstamp;
    this.#delivery = this.events.ordered(
      (channel, after) => this.history(channel, after),
      "Listing KV history failed",
      options.onWarning,
    );
  }

  /** Reads or creates the epoch, reads each channel's head, starts watching. */
  static async open(options: KvEngineOptions): Promise<KvEngine> {
    checkHistorySize(options.historySize);
    const prefix = options.prefix ?? ["engine"];
    const epoch = await ensureEpoch(options.kv, prefix);
    const engine = new KvEngine(options, epoch);
    await engine.#start();
    return engine;
  }

  get epoch(): string {
    return this.#epoch;
  }

  get connected(): boolean {
    return !this.#closed;
  }

  /**
   * The check that fences a commit on this KV by `lease` (the versionstamp
   * the lease key had when this instance took it), for stores beside the
   * engine that must write only while this instance leads; undefined when
   * the lease is not this instance's.
   */
  fenceCheck(lease: api.Lease): Deno.AtomicCheck | undefined {
    const check = this.leases.check(lease);
    return check === "fenced" ? undefined : check;
  }

  #key(...parts: Deno.KvKeyPart[]): Deno.KvKey {
    return [...this.#prefix, ...parts];
  }

  async #start(): Promise<void> {
    await this.#watch(this.#channels, [this.#key("epoch")]);
  }

  /**
   * Watches `channels` too, from their heads now (a new listing): a channel
   * already watched is left as it is. Delisted channels stay watched.
   */
  async addChannels(channels: readonly string[]): Promise<void> {
    const known = new Set(this.#channels);
    const fresh = [...new Set(channels)].filter((c) => !known.has(c));
    if (fresh.length === 0 || this.#closed) return;
    this.#channels.push(...fresh);
    await this.#watch(fresh, []);
  }

  /** Primes `channels` at their heads and watches them (with `extra` keys). */
  async #watch(channels: readonly string[], extra: Deno.KvKey[]) {
    const heads = await this.#getMany<number>(
      channels.map((c) => this.#key("head", c)),
    );
    channels.forEach((c, i) => this.#delivery.prime(c, heads[i].value ?? 0));
    const keys = [...extra, ...channels.map((c) => this.#key("head", c))];
    for (let i = 0; i < keys.length; i += KEYS_PER_CALL) {
      const group = keys.slice(i, i + KEYS_PER_CALL);
      const reader = this.#kv.watch(group).getReader();
      this.#watches.push(reader);
      void this.#follow(reader);
    }
  }

  async #follow(
    reader: ReadableStreamDefaultReader<Deno.KvEntryMaybe<unknown>[]>,
  ): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.#closed) return;
        for (const entry of value) this.#onWatched(entry);
      }
    } catch (error) {
      if (!this.#closed) this.#options.onWarning?.("KV watch ended", error);
    }
  }

  #onWatched(entry: Deno.KvEntryMaybe<unknown>): void {
    const kind = entry.key[this.#prefix.length];
    if (kind === "epoch") {
      if (entry.value !== this.#epoch) void this.#checkEpoch();
      return;
    }
    const channel = String(entry.key[this.#prefix.length + 1]);
    const head = typeof entry.value === "number" ? entry.value : 0;
    if (head > (this.#delivery.cursor(channel) ?? 0)) void this.#pull(channel);
  }

  /** Lists what is new on `channel`, one listing at a time per channel. */
  async #pull(channel: string): Promise<void> {
    const running = this.#pulling.get(channel);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: true };
    this.#pulling.set(channel, state);
    try {
      while (state.again && !this.#closed) {
        state.again = false;
        const after = this.#delivery.cursor(channel) ?? 0;
        const read = await this.history(channel, after);
        if (read.epoch !== this.#epoch) break;
        // A watch reports the latest head only: whatever was listed before
        // it is what the report skipped.
        if (read.entries.length > 1) {
          this.events.counts.gapBackfills += read.entries.length - 1;
        }
        for (const entry of read.entries) this.#delivery.offer(entry);
      }
    } catch (error) {
      this.#options.onWarning?.("Listing KV history failed", error);
    } finally {
      this.#pulling.delete(channel);
    }
  }

  async #checkEpoch(): Promise<void> {
    const epoch = await ensureEpoch(this.#kv, this.#prefix);
    this.#epochStamp = epoch.versionstamp;
    if (epoch.value === this.#epoch) return;
    this.#epoch = epoch.value;
    this.#delivery.reset();
    this.events.emit({ type: "epoch", epoch: epoch.value });
    for (const channel of this.#channels) void this.#pull(channel);
  }

  async #getMany<T>(keys: Deno.KvKey[]): Promise<Deno.KvEntryMaybe<T>[]> {
    const out: Deno.KvEntryMaybe<T>[] = [];
    for (let i = 0; i < keys.length; i += KEYS_PER_CALL) {
      out.push(
        ...await this.#kv.getMany<T[]>(keys.slice(i, i + KEYS_PER_CALL)),
      );
    }
    return out;
  }

  /**
   * Commits `drafts` (and `extra` mutations) with the epoch, fence and head
   * checks; retries when another writer moved a head first.
   */
  async #commit(
    drafts: readonly api.EngineDraft[],
    fence: api.Lease | undefined,
    extra?: (op: Deno.AtomicOperation) => void,
    abandon?: () => Promise<boolean>,
  ): Promise<api.PublishResult | { ok: false; reason: "abandoned" }> {
    const check = fence ? this.leases.check(fence) : undefined;
    if (check === "fenced") return { ok: false, reason: "fenced" };
    const channels = [...new Set(drafts.map((d) => d.channel))];
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const heads = await this.#getMany<number>(
        channels.map((c) => this.#key("head", c)),
      );
      const op = this.#kv.atomic().check({
        key: this.#key("epoch"),
        versionstamp: this.#epochStamp,
      });
      if (check) op.check(check);
      const next = new Map<string, number>();
      channels.forEach((c, i) => {
        op.check(heads[i]);
        next.set(c, heads[i].value ?? 0);
      });
      const entries = drafts.map((draft): api.EngineEntry => {
        const seq = next.get(draft.channel)! + 1;
        next.set(draft.channel, seq);
        op.set(this.#key("log", draft.channel, seq), draft.data);
        if (seq > this.historySize) {
          op.delete(this.#key("log", draft.channel, seq - this.historySize));
        }
        return { ...draft, seq };
      });
      for (const [channel, seq] of next) {
        op.set(this.#key("head", channel), seq);
      }
      extra?.(op);
      const result = await op.commit();
      if (result.ok) {
        this.events.counts.publishes += entries.length;
        return { ok: true, entries };
      }
      // Lost a race: find out whether it was the epoch, the fence or a head.
      const [epoch, lease] = await this.#kv.getMany<[string, LeaseRecord]>([
        this.#key("epoch"),
        this.#key("lease"),
      ]);
      if (epoch.versionstamp !== this.#epochStamp) {
        await this.#checkEpoch();
        return { ok: false, reason: "epoch-changed" };
      }
      if (check && lease.versionstamp !== check.versionstamp) {
        return { ok: false, reason: "fenced" };
      }
      if (await abandon?.()) return { ok: false, reason: "abandoned" };
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * 5 * attempt)
      );
    }
    throw new Error(`KV publish kept conflicting after ${ATTEMPTS} attempts`);
  }

  publish(
    drafts: readonly api.EngineDraft[],
    fence?: api.Lease,
  ): Promise<api.PublishResult> {
    if (drafts.length === 0) return Promise.resolve({ ok: true, entries: [] });
    return this.#commit(drafts, fence) as Promise<api.PublishResult>;
  }

  async history(channel: string, after: number): Promise<api.HistoryRead> {
    const [head, epoch] = await this.#kv.getMany<[number, string]>([
      this.#key("head", channel),
      this.#key("epoch"),
    ]);
    const prefix = this.#key("log", channel);
    const entries: api.EngineEntry[] = [];
    const listed = this.#kv.list<string>({
      prefix,
      start: [...prefix, after + 1],
    });
    for await (const entry of listed) {
      entries.push({
        channel,
        seq: Number(entry.key[entry.key.length - 1]),
        data: entry.value,
      });
    }
    let oldestSeq = entries[0]?.seq;
    if (after > 0 || oldestSeq === undefined) {
      for await (const entry of this.#kv.list({ prefix }, { limit: 1 })) {
        oldestSeq = Number(entry.key[entry.key.length - 1]);
      }
    }
    return {
      epoch: epoch.value ?? this.#epoch,
      entries,
      oldestSeq,
      latestSeq: head.value ?? 0,
    };
  }

  async appendAlert(
    key: string,
    data: string,
    fence: api.Lease,
  ): Promise<api.AppendResult> {
    const alertKey = this.#key("alert_key", key);
    const known = async () => (await this.#kv.get(alertKey)).value !== null;
    if (await known()) return { ok: true, stored: false };
    const result = await this.#commit(
      [{ channel: ALERT_CHANNEL, data }],
      fence,
      (op) =>
        op.check({ key: alertKey, versionstamp: null }).set(alertKey, 1, {
          expireIn: this.#options.alertKeyTtlMs ?? 7 * 86_400_000,
        }),
      known,
    );
    if (!result.ok) {
      return result.reason === "abandoned"
        ? { ok: true, stored: false }
        : { ok: false, reason: result.reason };
    }
    return { ok: true, stored: true, entry: result.entries[0] };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.events.clear();
    for (const reader of this.#watches) {
      await reader.cancel().catch(() => {});
    }
  }
}

/** The epoch in force, created (atomically, once) when there is none. */
async function ensureEpoch(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
): Promise<Deno.KvEntry<string>> {
  const key = [...prefix, "epoch"];
  for (;;) {
    const current = await kv.get<string>(key);
    if (current.value !== null) return current as Deno.KvEntry<string>;
    const value = crypto.randomUUID();
    const result = await kv.atomic().check(current).set(key, value).commit();
    if (result.ok) {
      return { key, value, versionstamp: result.versionstamp };
    }
  }
}
