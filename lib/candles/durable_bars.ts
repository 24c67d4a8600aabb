/**
 * Which bars are stored: closed bars go to the {@linkcode CandleWriter} with
 * a ticket each, and a symbol's bars are durable through a time once every
 * ticket up to the one that closed them has settled — what lets a bar's
 * final frame go out only once the bar is stored (stored first, pushed
 * second, as alerts are). A follower takes the leader's word for it
 * ({@linkcode DurableBars.mirror}): the leader says how far it has stored.
 */
import type { ClosedBars } from "./candle_book.ts";
import { STORED_RESOLUTIONS } from "./candle_intervals.ts";
import type { StoredBar } from "./candle_store.ts";
import {
  CandleWriter,
  type CandleWriterOptions,
  type CandleWriterStats,
} from "./candle_writer.ts";

/** The write-behind queue and how far each symbol's bars are stored. */
export class DurableBars {
  #writer: CandleWriter;
  /** Per symbol: writes in flight, as (ticket, closed-through) pairs. */
  #inFlight = new Map<string, { ticket: number; through: number }[]>();
  #durable = new Map<string, number>();

  /** Writes through a {@linkcode CandleWriter} made of `options`. */
  constructor(options: CandleWriterOptions) {
    this.#writer = new CandleWriter(options);
  }

  /** Queues bars whose frames need no tracking (amendments, backfill). */
  enqueue(bars: readonly StoredBar[]): void {
    this.#writer.enqueue(bars);
  }

  /** Queues what closed for `symbol`, which is closed through `through`. */
  persist(symbol: string, closed: ClosedBars, through: number): void {
    const writes: StoredBar[] = [];
    for (const resolution of STORED_RESOLUTIONS) {
      for (const candle of closed[resolution]) {
        writes.push({ symbol, resolution, candle });
      }
    }
    const ticket = this.#writer.enqueue(writes);
    let pending = this.#inFlight.get(symbol);
    if (!pending) this.#inFlight.set(symbol, pending = []);
    // Settle what is written, so a symbol nobody reads keeps only the
    // writes still in flight.
    this.durableThrough(symbol);
    const last = pending[pending.length - 1];
    if (last?.ticket === ticket) last.through = through;
    else pending.push({ ticket, through });
  }

  /**
   * Every bar of `symbol` that ends at or before this time is closed and
   * stored (-Infinity before any).
   */
  durableThrough(symbol: string): number {
    const pending = this.#inFlight.get(symbol);
    const settled = this.#writer.settled;
    let durable = this.#durable.get(symbol) ?? -Infinity;
    while (pending && pending.length > 0 && pending[0].ticket <= settled) {
      durable = Math.max(durable, pending.shift()!.through);
    }
    this.#durable.set(symbol, durable);
    return durable;
  }

  /**
   * Tickets held to answer `durableThrough`, over every symbol: one per
   * write still in flight at most, whether anyone reads them or not.
   */
  get heldTickets(): number {
    let held = 0;
    for (const pending of this.#inFlight.values()) held += pending.length;
    return held;
  }

  /** Takes how far the leader stored `symbol`'s bars (a follower). */
  mirror(symbol: string, durable: number): void {
    this.#durable.set(symbol, durable);
  }

  /** Drops what waits to be written (another instance leads now). */
  abandon(): void {
    this.#writer.abandon();
    this.#inFlight.clear();
  }

  /** The writer's counters. */
  stats(): CandleWriterStats {
    return this.#writer.stats();
  }

  /** Resolves once everything queued so far is written (or failed). */
  drained(): Promise<void> {
    return this.#writer.drained();
  }

  /** Writes what is queued and stops writing. */
  stop(): Promise<void> {
    return this.#writer.stop();
  }
}
