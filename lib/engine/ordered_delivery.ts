/**
 * Turns an unreliable feed of entries (Redis pub/sub loses what is published
 * while a subscriber reconnects; a KV watch reports only the latest head) into
 * an ordered, gapless one per channel: an entry one past the channel's cursor
 * is delivered at once; one already delivered is dropped; one further ahead
 * means something was missed, so the channel is backfilled from history first
 * and what arrives meanwhile waits behind the backfill. When history no longer
 * holds the missed entries a `truncated` event says so before delivery goes
 * on. Centrifuge recovers the same way (offset + history, then live).
 */
import type { EngineEntry, EngineEvent, HistoryRead } from "./stream_engine.ts";

/** Options of {@linkcode OrderedDelivery}. */
export interface OrderedDeliveryOptions {
  /** Reads a channel's history after a seq (the engine's `history`). */
  readonly fetch: (channel: string, after: number) => Promise<HistoryRead>;
  /** Receives entries (and `truncated` markers) in order. */
  readonly emit: (event: EngineEvent) => void;
  /** Called with the number of entries a backfill delivered. */
  readonly onBackfill?: (entries: number) => void;
  /** Called when a backfill failed; the channel retries on its next entry. */
  readonly onError?: (error: unknown) => void;
}

interface ChannelState {
  /** Seq of the last entry delivered. */
  cursor: number;
  /** Entries received while a backfill runs, by seq. */
  waiting: Map<number, EngineEntry> | undefined;
}

/** Per-channel cursors with gap detection and backfill. */
export class OrderedDelivery {
  #options: OrderedDeliveryOptions;
  #channels = new Map<string, ChannelState>();
  #generation = 0;
  #inflight = new Set<Promise<void>>();

  /** See {@linkcode OrderedDeliveryOptions}. */
  constructor(options: OrderedDeliveryOptions) {
    this.#options = options;
  }

  /** Sets where `channel` stands (its latest seq when delivery starts). */
  prime(channel: string, seq: number): void {
    this.#channels.set(channel, { cursor: seq, waiting: undefined });
  }

  /** The seq last delivered on `channel`, if it is known. */
  cursor(channel: string): number | undefined {
    return this.#channels.get(channel)?.cursor;
  }

  /** Forgets every cursor (a new epoch: every channel restarts at 1). */
  reset(): void {
    this.#generation++;
    for (const state of this.#channels.values()) {
      state.cursor = 0;
      state.waiting = undefined;
    }
  }

  /** Takes one entry from the feed. */
  offer(entry: EngineEntry): void {
    let state = this.#channels.get(entry.channel);
    if (!state) {
      // A channel nobody primed: start from whatever arrives first.
      state = { cursor: entry.seq - 1, waiting: undefined };
      this.#channels.set(entry.channel, state);
    }
    if (state.waiting) {
      if (entry.seq > state.cursor) state.waiting.set(entry.seq, entry);
      return;
    }
    if (entry.seq <= state.cursor) return;
    if (entry.seq === state.cursor + 1) {
      state.cursor = entry.seq;
      this.#options.emit({ type: "entry", entry });
      return;
    }
    state.waiting = new Map([[entry.seq, entry]]);
    this.#track(this.#backfill(entry.channel, state));
  }

  /** Resolves once no backfill is running. */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.all(this.#inflight);
  }

  #track(run: Promise<void>): void {
    this.#inflight.add(run);
    run.finally(() => this.#inflight.delete(run));
  }

  /**
   * Backfills every known channel from its cursor: after a reconnect, when
   * anything may have been missed and nothing new may arrive to show it.
   */
  async resync(): Promise<void> {
    const runs: Promise<void>[] = [];
    for (const [channel, state] of this.#channels) {
      if (state.waiting) continue;
      state.waiting = new Map();
      const run = this.#backfill(channel, state);
      this.#track(run);
      runs.push(run);
    }
    await Promise.all(runs);
    await this.settled();
  }

  async #backfill(channel: string, state: ChannelState): Promise<void> {
    const generation = this.#generation;
    let read: HistoryRead;
    try {
      read = await this.#options.fetch(channel, state.cursor);
    } catch (error) {
      if (generation !== this.#generation) return;
      // Deliver nothing out of order: drop what waited, retry on the next one.
      state.waiting = undefined;
      this.#options.onError?.(error);
      return;
    }
    if (generation !== this.#generation) return;
    const waiting = state.waiting ?? new Map<number, EngineEntry>();
    state.waiting = undefined;
    if (
      read.entries.length > 0 && read.entries[0].seq > state.cursor + 1
    ) {
      this.#options.emit({
        type: "truncated",
        channel,
        seq: read.entries[0].seq,
      });
      state.cursor = read.entries[0].seq - 1;
    }
    let filled = 0;
    for (const entry of read.entries) {
      if (entry.seq !== state.cursor + 1) continue;
      state.cursor = entry.seq;
      filled++;
      this.#options.emit({ type: "entry", entry });
    }
    if (filled > 0) this.#options.onBackfill?.(filled);
    const rest = [...waiting.values()].sort((a, b) => a.seq - b.seq);
    if (rest.length > 0 && rest[0].seq > state.cursor + 1) {
      // History had already dropped what lay between: never loop on it.
      this.#options.emit({ type: "truncated", channel, seq: rest[0].seq });
      state.cursor = rest[0].seq - 1;
    }
    for (const entry of rest) this.offer(entry);
  }
}
