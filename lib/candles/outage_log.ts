/**
 * When the service had no market data, and why: the upstream went offline
 * (as the service's own status says), or the service itself was not running
 * (the gap between the last bar it persisted and its next start). Kept in
 * memory for synchronous answers and written through to the
 * {@linkcode CandleStore}; writes are queued so callers never wait on them.
 */
import type { Outage } from "../protocol/candles.ts";
import type { CandleStore } from "./candle_store.ts";

/** Reason recorded while the upstream is offline. */
export const UPSTREAM_OFFLINE = "Exchange feed offline";
/** Reason recorded for the time the service was not running. */
export const SERVICE_DOWN = "Service not running";

/** Most outages kept in memory (the newest); older ones stay in the store. */
export const MAX_OUTAGES_IN_MEMORY = 10_000;

/** Options of {@linkcode OutageLog.open}. */
export interface OutageLogOptions {
  readonly store: CandleStore;
  /** Outages ending before this are not loaded, epoch ms. */
  readonly since: number;
  /** Called when a write fails (the outage stays in memory). */
  readonly onError?: (error: unknown) => void;
}

/** The outage log. */
export class OutageLog {
  #store: CandleStore;
  #outages: Outage[];
  #writes: Promise<void> = Promise.resolve();
  #onError: ((error: unknown) => void) | undefined;

  private constructor(options: OutageLogOptions, outages: Outage[]) {
    this.#store = options.store;
    this.#outages = outages;
    this.#onError = options.onError;
  }

  /** Loads the outages that end after `options.since`. */
  static async open(options: OutageLogOptions): Promise<OutageLog> {
    const loaded = await options.store.outages(options.since, Infinity);
    return new OutageLog(options, loaded.slice(-MAX_OUTAGES_IN_MEMORY));
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

  /** Records a finished outage (e.g. the service's own downtime). */
  record(from: number, to: number, reason: string): void {
    if (!(to > from)) return;
    this.end(from);
    this.#add({ from, to, reason });
  }

  /** Drops outages that ended before `before` from memory and the store. */
  async prune(before: number): Promise<number> {
    this.#outages = this.#outages.filter((o) =>
      o.to === null || o.to >= before
    );
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
    this.#writes = this.#writes.then(() => this.#store.putOutage(outage))
      .catch((error) => this.#onError?.(error));
  }
}
