/**
 * When the service had no market data, and why: the upstream went offline
 * (as the service's own status says), or the service itself was not running
 * (the gap between the last bar it persisted and its next start). Kept in
 * memory for synchronous answers and written through to the
 * {@linkcode CandleStore}; writes are queued so callers never wait on them.
 * On a follower of a shared store the log is a mirror: it takes the
 * leader's outages as they are written ({@linkcode OutageLog.mirror}) and
 * writes nothing itself.
 */
import type { Outage } from "../protocol/candles.ts";
import type { CandleStore } from "./candle_store.ts";

/** Reason recorded while the upstream is offline. */
export const UPSTREAM_OFFLINE = "Exchange feed offline";
/** Reason recorded for the time the service was not running. */
export const SERVICE_DOWN = "Service not running";
/** Reason recorded for a change of leader on a shared stream engine. */
export const LEADER_CHANGE = "Feed paused while another instance took over";

/** Most outages kept in memory (the newest); older ones stay in the store. */
export const MAX_OUTAGES_IN_MEMORY = 10_000;

/** Options of {@linkcode OutageLog.open}. */
export interface OutageLogOptions {
  readonly store: CandleStore;
  /** Outages ending before this are not loaded, epoch ms. */
  readonly since: number;
  /** Called when a write fails (the outage stays in memory). */
  readonly onError?: (error: unknown) => void;
  /** Called with each outage written (e.g. to tell followers). */
  readonly onWritten?: (outage: Outage) => void;
  /** Whether this log writes (false: a follower's mirror). Default true. */
  readonly writable?: boolean;
}

/** The outage log. */
export class OutageLog {
  #store: CandleStore;
  #outages: Outage[];
  #writes: Promise<void> = Promise.resolve();
  #onError: ((error: unknown) => void) | undefined;
  #onWritten: ((outage: Outage) => void) | undefined;
  #writable: boolean;

  private constructor(options: OutageLogOptions, outages: Outage[]) {
    this.#store = options.store;
    this.#outages = outages;
    this.#onError = options.onError;
    this.#onWritten = options.onWritten;
    this.#writable = options.writable ?? true;
  }

  /** Loads the outages that end after `options.since`. */
  static async open(options: OutageLogOptions): Promise<OutageLog> {
    const loaded = await options.store.outages(options.since, Infinity);
    return new OutageLog(options, loaded.slice(-MAX_OUTAGES_IN_MEMORY));
  }

  /** Whether this log writes its changes (see {@linkcode OutageLogOptions}). */
  get writable(): boolean {
    return this.#writable;
  }

  set writable(value: boolean) {
    this.#writable = value;
  }

  /**
   * Takes an outage the leader wrote (replacing one with the same start),
   * without writing it again.
   */
  mirror(outage: Outage): void {
    const index = this.#outages.findIndex((o) => o.from === outage.from);
    if (index >= 0) this.#outages[index] = outage;
    else {
      this.#outages.push(outage);
      this.#outages.sort((a, b) => a.from - b.from);
      if (this.#outages.length > MAX_OUTAGES_IN_MEMORY) this.#outages.shift();
    }
  }

  /** The outage in progress, if any. */
  get current(): Outage | undefined {
    const last = this.#outages[this.#outages.length - 1];
    return last?.to === null ? last : undefined;
  }

  /** The latest end of a finished outage (-Infinity when none). */
  get lastEnd(): number {
    let end = -Infinity;
    for (const o of this.#outages) if (o.to !== null && o.to > end) end = o.to;
    return end;
  }

  /** Outages overlapping `[from, to)`, oldest first. */
  list(from: number, to: number): Outage[] {
    return this.#outages.filter((o) =>
      o.from < to && (o.to === null || o.to > from)
    );
  }

  /** Starts an outage at `from` unless one is in progress. */
  begin(from: number, reason: string): void {
    if (this.current) return;
    const last = this.#outages[this.#outages.length - 1];
    // Never overlap the previous one (a status that flaps within a tick).
    const start = last?.to != null ? Math.max(from, last.to) : from;
    this.#add({ from: start, to: null, reason });
  }

  /** Ends the outage in progress at `to` (not before it began). */
  end(to: number): void {
    const current = this.current;
    if (!current) return;
    const closed = { ...current, to: Math.max(to, current.from) };
    this.#outages[this.#outages.length - 1] = closed;
    this.#write(closed);
  }

  /**
   * Follows the service's upstream status: `offline` starts an outage at
   * the last good data (or now), `online` and `degraded` (data flows, maybe
   * by REST) end it now; `connecting` changes nothing.
   */
  followStatus(
    upstream: "connecting" | "online" | "degraded" | "offline",
    lastSuccess: number | null,
    now: number,
  ): void {
    if (upstream === "offline") {
      this.begin(lastSuccess ?? now, UPSTREAM_OFFLINE);
    } else if (upstream !== "connecting") this.end(now);
  }

  /**
   * Records the time without data from `lastData` to `now` (the service
   * was down, or no instance led), ending an outage in progress there; a
   * span shorter than `minMs` (default 1 s) is the bar that was in
   * progress, not an outage.
   */
  recordDowntime(
    lastData: number,
    now: number,
    reason: string,
    minMs = 1_000,
  ): void {
    if (!Number.isFinite(lastData)) return;
    const open = this.current;
    if (open) this.end(Math.max(open.from, lastData));
    const since = Math.max(lastData, this.lastEnd);
    if (now - since >= minMs) this.record(since, now, reason);
  }

  /** Records a finished outage (e.g. the service's own downtime). */
  record(from: number, to: number, reason: string): void {
    if (!(to > from)) return;
    this.end(from);
    this.#add({ from, to, reason });
  }

  /**
   * Drops outages that ended before `before` from memory, and from the store
   * unless this log is a mirror.
   */
  async prune(before: number): Promise<number> {
    const kept = this.#outages.filter((o) => o.to === null || o.to >= before);
    const dropped = this.#outages.length - kept.length;
    this.#outages = kept;
    if (!this.#writable) return dropped;
    await this.flushed();
    return await this.#store.deleteOutagesBefore(before);
  }

  /** Resolves once every write so far has settled. */
  async flushed(): Promise<void> {
    await this.#writes;
  }

  #add(outage: Outage): void {
    this.#outages.push(outage);
    this.#outages.sort((a, b) => a.from - b.from);
    if (this.#outages.length > MAX_OUTAGES_IN_MEMORY) this.#outages.shift();
    this.#write(outage);
  }

  #write(outage: Outage): void {
    if (!this.#writable) return;
    this.#writes = this.#writes.then(async () => {
      await this.#store.putOutage(outage);
      this.#onWritten?.(outage);
    }).catch((error) => this.#onError?.(error));
  }
}
