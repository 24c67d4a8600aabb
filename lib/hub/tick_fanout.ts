/**
 * The live broadcast of ticks to their symbol's room, governed: under
 * overload the service sets {@linkcode TickFanout.intervalMs} (see
 * `fanout_governor.ts`), and a symbol is then broadcast at most once per
 * interval. Ticks in between are numbered and kept in history by the hub as
 * always; only the newest is held here, and goes out by
 * {@linkcode TickFanout.flush} once the interval has passed. Each socket a
 * held tick replaces before it went out counts as conflated.
 *
 * A socket that joins while a tick is held and got that tick in its replay
 * is skipped when the held tick goes out, so it never receives it twice.
 */
import type { PrepareFrame } from "../protocol/prepared_frame.ts";
import type { ChannelEntry } from "./tick_codec.ts";
import type { DeliveryStats, Subscriber } from "./subscriber.ts";

/** A tick waiting for its symbol's broadcast interval to pass. */
interface HeldTick {
  readonly entry: ChannelEntry;
  /** Sockets that joined meanwhile and got this tick in their replay. */
  readonly skip: Set<Subscriber>;
}

/** Options of {@linkcode TickFanout}. */
export interface TickFanoutOptions {
  /** Each symbol's room (the hub's; read, never changed here). */
  readonly rooms: ReadonlyMap<string, ReadonlySet<Subscriber>>;
  /** Counters shared with the hub (`conflated` is counted here). */
  readonly stats: DeliveryStats;
  /** Called for a socket found closed while delivering. */
  readonly onClosed: (subscriber: Subscriber) => void;
  /** Prepares a tick's frame once for its whole room (the socket layer's). */
  readonly prepare: PrepareFrame;
}

/** Broadcast of ticks with a least interval per symbol. */
export class TickFanout {
  #options: TickFanoutOptions;
  #intervalMs = 0;
  #lastFanoutAt = new Map<string, number>();
  #held = new Map<string, HeldTick>();

  /** See {@linkcode TickFanoutOptions}. */
  constructor(options: TickFanoutOptions) {
    this.#options = options;
  }

  /** Least interval between two broadcasts of a symbol, ms (0: every tick). */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Sets the interval; 0 sends what is held at `now` at once. */
  setInterval(ms: number, now: number): void {
    this.#intervalMs = ms;
    if (ms === 0) this.flush(now);
  }

  /** Broadcasts a stored entry, or holds it while its interval runs. */
  accept(symbol: string, entry: ChannelEntry, now: number): void {
    const replaced = this.#held.get(symbol);
    if (replaced) {
      this.#options.stats.conflated +=
        (this.#options.rooms.get(symbol)?.size ?? 0) - replaced.skip.size;
    }
    const last = this.#lastFanoutAt.get(symbol);
    if (last !== undefined && now - last < this.#intervalMs) {
      this.#held.set(symbol, { entry, skip: new Set() });
    } else {
      this.#held.delete(symbol);
      this.#fanOut(symbol, entry, now);
    }
  }

  /** Broadcasts the held ticks whose symbol's interval has passed. */
  flush(now: number): void {
    if (this.#held.size === 0) return;
    for (const [symbol, held] of this.#held) {
      const last = this.#lastFanoutAt.get(symbol) ?? -Infinity;
      if (now - last < this.#intervalMs) continue;
      this.#held.delete(symbol);
      this.#fanOut(symbol, held.entry, now, held.skip);
    }
  }

  /** Forgets what is held for `symbol` (its stream restarted). */
  drop(symbol: string): void {
    this.#held.delete(symbol);
  }

  /** Forgets everything about `symbol` (its channel closed). */
  forget(symbol: string): void {
    this.#held.delete(symbol);
    this.#lastFanoutAt.delete(symbol);
  }

  /**
   * A socket joined with `symbol`'s history up to `seq`: if that covers the
   * held tick, the socket is skipped when it goes out.
   */
  replayed(symbol: string, subscriber: Subscriber, seq: number): void {
    const held = this.#held.get(symbol);
    if (held && seq >= held.entry.seq) held.skip.add(subscriber);
  }

  #fanOut(
    symbol: string,
    entry: ChannelEntry,
    now: number,
    skip?: ReadonlySet<Subscriber>,
  ): void {
    this.#lastFanoutAt.set(symbol, now);
    const room = this.#options.rooms.get(symbol);
    // Most symbols of a whole market have nobody watching: nothing to frame.
    if (!room || room.size === 0) return;
    const frame = this.#options.prepare(entry.encoded);
    for (const subscriber of room) {
      if (skip?.has(subscriber)) continue;
      if (subscriber.deliverLatest(symbol, frame, now) === "closed") {
        this.#options.onClosed(subscriber);
      }
    }
  }
}
