/**
 * The memory engine: one process, today's behaviour and speed. The shared
 * store is a plain object several {@linkcode MemoryEngine} instances can hold
 * (the conformance suite runs several "instances" on one store); a publish
 * numbers, stores and delivers synchronously, so the single-process hot path
 * stays a few function calls with no await between ingestion and sockets.
 */
import type { AlertHandover } from "../alerts/alert_handover.ts";
import { type Clock, systemClock } from "../clock/clock.ts";
import { TextBudget, TextRing } from "../hub/text_ring.ts";
import { ALERT_CHANNEL, SERVICE_CHANNELS } from "./stream_engine.ts";
import type * as api from "./stream_engine.ts";
import { checkHistorySize, EngineEvents } from "./engine_events.ts";

/** Options of {@linkcode MemoryEngineStore}. */
export interface MemoryEngineStoreOptions {
  /** Entries kept per channel. */
  readonly historySize: number;
  /**
   * Characters of entry text the stream channels' histories may take
   * together, shared equally. Default no limit beyond `historySize`.
   */
  readonly historyChars?: number;
  /** Time for lease expiry. Default the system clock. */
  readonly clock?: Clock;
  /** Alert idempotency keys remembered (oldest forgotten first). Default 100 000. */
  readonly alertKeys?: number;
}

/**
 * One channel's seq and history: each entry's data in a ring without an
 * object per entry (with a whole market tracked, history is most of what the
 * process holds; see `TextRing`).
 */
interface MemoryChannel {
  seq: number;
  readonly history: TextRing;
}

/** What the instances of one memory engine share. */
export class MemoryEngineStore {
  readonly historySize: number;
  /** Shared by the stream channels' histories (not the engine's own). */
  readonly #historyBudget: TextBudget;
  readonly clock: Clock;
  epoch: string = crypto.randomUUID();
  /** @internal */ channels = new Map<string, MemoryChannel>();
  /** @internal */ lease: api.Lease | undefined;
  /** @internal */ tokens = 0;
  /** @internal */ alertKeys = new Set<string>();
  /** @internal */ handover: AlertHandover | undefined;
  /** @internal */ readonly instances = new Set<MemoryEngine>();
  readonly #maxAlertKeys: number;

  /** Throws a `RangeError` naming the option for a bad value. */
  constructor(options: MemoryEngineStoreOptions) {
    checkHistorySize(options.historySize);
    this.historySize = options.historySize;
    this.#historyBudget = new TextBudget(options.historyChars);
    this.clock = options.clock ?? systemClock;
    this.#maxAlertKeys = options.alertKeys ?? 100_000;
  }

  /** The channel's state, created on first use. */
  channel(name: string): MemoryChannel {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = { seq: 0, history: new TextRing(this.historySize) };
      this.channels.set(name, channel);
      // The service's own channels keep their history by count alone.
      if (!SERVICE_CHANNELS.includes(name)) {
        this.#historyBudget.join(channel.history);
      }
    }
    return channel;
  }

  /** Whether `fence` is the lease in force now. */
  holds(fence: api.Lease | undefined): boolean {
    if (fence === undefined) return true;
    const lease = this.lease;
    return lease !== undefined && lease.token === fence.token &&
      lease.holder === fence.holder && lease.expiresAt > this.clock.now();
  }

  /** Appends `entry` to `channel`'s history (the oldest leaves when full). */
  append(channel: MemoryChannel, entry: api.EngineEntry): void {
    channel.history.push(entry.seq, entry.data);
  }

  /**
   * The entries of channel `name` still in history from position `from`
   * (0 = oldest), oldest first, decoded.
   */
  held(name: string, from = 0): api.EngineEntry[] {
    const history = this.channels.get(name)?.history;
    return history?.map(from, (seq, data) => ({ channel: name, seq, data })) ??
      [];
  }

  /** Remembers an alert key; false when it was known. */
  rememberAlertKey(key: string): boolean {
    if (this.alertKeys.has(key)) return false;
    this.alertKeys.add(key);
    if (this.alertKeys.size > this.#maxAlertKeys) {
      this.alertKeys.delete(this.alertKeys.values().next().value!);
    }
    return true;
  }

  /** Delivers `event` to every instance. */
  deliver(event: api.EngineEvent): void {
    for (const instance of this.instances) instance.receive(event);
  }

  /**
   * Continues an earlier run's stream (a graceful restart of one process):
   * its epoch, and each channel's seq and history.
   */
  restore(
    epoch: string,
    channels: Readonly<Record<string, readonly api.EngineEntry[]>>,
  ): void {
    this.epoch = epoch;
    for (const [name, entries] of Object.entries(channels)) {
      const channel = this.channel(name);
      for (const entry of entries) {
        if (entry.seq <= channel.seq) continue;
        this.append(channel, entry);
        channel.seq = entry.seq;
      }
    }
  }

  /** Forgets everything, as a store that lost its data: a new epoch. */
  loseData(): void {
    this.epoch = crypto.randomUUID();
    this.channels.clear();
    this.lease = undefined;
    this.alertKeys.clear();
    this.handover = undefined;
    this.deliver({ type: "epoch", epoch: this.epoch });
  }
}

/** Options of {@linkcode MemoryEngine}. */
export interface MemoryEngineOptions {
  /** The shared store; a new one of `historySize` when omitted. */
  readonly store?: MemoryEngineStore;
  /** Entries kept per channel when the store is created here. Default 300. */
  readonly historySize?: number;
  /** See {@linkcode MemoryEngineStoreOptions.historyChars}. */
  readonly historyChars?: number;
  /** This instance's id. Default a random UUID. */
  readonly instance?: string;
  /** Time for leases when the store is created here. */
  readonly clock?: Clock;
}

/** One instance on a {@linkcode MemoryEngineStore}. */
export class MemoryEngine implements api.StreamEngine {
  readonly kind = "memory" as const;
  readonly instance: string;
  readonly #store: MemoryEngineStore;
  #events = new EngineEvents();
  #closed = false;

  /** Joins `options.store` (or a new store). */
  constructor(options: MemoryEngineOptions = {}) {
    this.#store = options.store ?? new MemoryEngineStore({
      historySize: options.historySize ?? 300,
      historyChars: options.historyChars,
      clock: options.clock,
    });
    this.instance = options.instance ?? crypto.randomUUID();
    this.#store.instances.add(this);
  }

  get historySize(): number {
    return this.#store.historySize;
  }

  /** The store this instance shares (to restore a saved stream at start). */
  get store(): MemoryEngineStore {
    return this.#store;
  }

  get epoch(): string {
    return this.#store.epoch;
  }

  get connected(): boolean {
    return !this.#closed;
  }

  stats(): api.EngineStats {
    return this.#events.stats();
  }

  publish(
    drafts: readonly api.EngineDraft[],
    fence?: api.Lease,
  ): Promise<api.PublishResult> {
    return Promise.resolve(this.publishNow(drafts, fence));
  }

  /**
   * {@linkcode publish} without the promise: the single-process hot path,
   * delivered to every subscriber before it returns.
   */
  publishNow(
    drafts: readonly api.EngineDraft[],
    fence?: api.Lease,
  ): api.PublishResult {
    const store = this.#store;
    if (!store.holds(fence)) return { ok: false, reason: "fenced" };
    const entries: api.EngineEntry[] = [];
    for (const draft of drafts) {
      const channel = store.channel(draft.channel);
      const entry = {
        channel: draft.channel,
        seq: ++channel.seq,
        data: draft.data,
      };
      store.append(channel, entry);
      entries.push(entry);
    }
    this.#events.counts.publishes += entries.length;
    for (const entry of entries) store.deliver({ type: "entry", entry });
    return { ok: true, entries };
  }

  history(channel: string, after: number): Promise<api.HistoryRead> {
    const state = this.#store.channels.get(channel);
    const oldest = state?.history.seqAt(0);
    const entries = oldest === undefined
      ? []
      : this.#store.held(channel, after + 1 - oldest);
    return Promise.resolve({
      epoch: this.#store.epoch,
      entries,
      oldestSeq: oldest,
      latestSeq: state?.seq ?? 0,
    });
  }

  subscribe(listener: api.EngineListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Hands `event` to this instance's listeners (called by the store). */
  receive(event: api.EngineEvent): void {
    this.#events.emit(event);
  }

  acquireLease(ttlMs: number): Promise<api.Lease | undefined> {
    const store = this.#store;
    const now = store.clock.now();
    if (store.lease && store.lease.expiresAt > now) {
      return Promise.resolve(undefined);
    }
    const lease = {
      token: ++store.tokens,
      holder: this.instance,
      expiresAt: now + ttlMs,
    };
    store.lease = lease;
    this.#events.counts.leaseAcquisitions++;
    return Promise.resolve(lease);
  }

  renewLease(lease: api.Lease, ttlMs: number): Promise<api.Lease | undefined> {
    const store = this.#store;
    if (!store.holds(lease)) {
      this.#events.counts.leaseLosses++;
      return Promise.resolve(undefined);
    }
    store.lease = { ...lease, expiresAt: store.clock.now() + ttlMs };
    return Promise.resolve(store.lease);
  }

  releaseLease(lease: api.Lease): Promise<void> {
    if (this.#store.holds(lease)) {
      this.#store.lease = undefined;
      this.#events.counts.leaseLosses++;
    }
    return Promise.resolve();
  }

  appendAlert(
    key: string,
    data: string,
    fence: api.Lease,
  ): Promise<api.AppendResult> {
    const store = this.#store;
    if (!store.holds(fence)) {
      return Promise.resolve({ ok: false, reason: "fenced" });
    }
    if (!store.rememberAlertKey(key)) {
      return Promise.resolve({ ok: true, stored: false });
    }
    const result = this.publishNow([{ channel: ALERT_CHANNEL, data }], fence);
    if (!result.ok) return Promise.resolve(result);
    return Promise.resolve({
      ok: true,
      stored: true,
      entry: result.entries[0],
    });
  }

  saveHandover(state: AlertHandover, fence: api.Lease): Promise<boolean> {
    if (!this.#store.holds(fence)) return Promise.resolve(false);
    this.#store.handover = state;
    return Promise.resolve(true);
  }

  loadHandover(): Promise<AlertHandover | undefined> {
    return Promise.resolve(this.#store.handover);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#events.clear();
    this.#store.instances.delete(this);
    return Promise.resolve();
  }
}
