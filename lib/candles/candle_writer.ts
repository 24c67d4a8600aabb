/**
 * Persists closed bars as soon as they close, so a hard kill loses at most
 * the bar in progress. Writes never block the caller: bars queue in memory
 * and one write runs at a time, taking everything queued since the last one
 * (about one commit a second with four symbols: each second closes four 1 s
 * bars together). The queue is bounded: if the store stalls for long, the
 * oldest bars are dropped and counted rather than growing memory without
 * limit; a failed write is retried after a pause.
 *
 * Every bar gets a ticket: the count of bars enqueued up to and including
 * it. Bars settle in order, so `settled` (the count written or dropped)
 * says which tickets are done — what lets the service push a bar's final
 * frame only once the bar is stored.
 */
import { type Clock, systemClock, type TimerId } from "../clock/clock.ts";
import type { CandleStore, StoredBar } from "./candle_store.ts";

/** Options of {@linkcode CandleWriter}. */
export interface CandleWriterOptions {
  readonly store: CandleStore;
  /** Bars queued before the oldest are dropped. Default 100 000. */
  readonly maxQueued?: number;
  /** Pause before retrying a failed write, ms. Default 1 000. */
  readonly retryMs?: number;
  /** Time and timers. Default the system clock. */
  readonly clock?: Clock;
  /** Called when a write fails (it is retried). */
  readonly onError?: (error: unknown) => void;
  /** Called with each batch once it is written (e.g. to tell followers). */
  readonly onWritten?: (bars: readonly StoredBar[]) => void;
}

/** Counters of {@linkcode CandleWriter}. */
export interface CandleWriterStats {
  /** Bars written. */
  readonly written: number;
  /** Writes (each one or more commits). */
  readonly writes: number;
  /** Writes that failed (and were retried). */
  readonly failures: number;
  /** Bars dropped because the queue was full. */
  readonly dropped: number;
  /** Bars waiting now. */
  readonly queued: number;
}

/** The write-behind queue of closed bars. */
export class CandleWriter {
  #store: CandleStore;
  #maxQueued: number;
  #retryMs: number;
  #clock: Clock;
  #onError: ((error: unknown) => void) | undefined;
  #onWritten: ((bars: readonly StoredBar[]) => void) | undefined;
  #queue: StoredBar[] = [];
  #running: Promise<void> | undefined;
  #retry: TimerId | undefined;
  #wake: (() => void) | undefined;
  #stopped = false;
  /** Counts abandons: a failed write of an abandoned batch is not retried. */
  #abandoned = 0;
  #written = 0;
  #enqueued = 0;
  #settled = 0;
  #writes = 0;
  #failures = 0;
  #dropped = 0;

  /** Throws a `RangeError` naming the option for a bad value. */
  constructor(options: CandleWriterOptions) {
    this.#maxQueued = options.maxQueued ?? 100_000;
    this.#retryMs = options.retryMs ?? 1_000;
    if (!Number.isInteger(this.#maxQueued) || this.#maxQueued < 1) {
      throw new RangeError(
        `maxQueued must be a positive integer, got ${this.#maxQueued}`,
      );
    }
    if (!(this.#retryMs >= 0)) {
      throw new RangeError(`retryMs must be 0 or more, got ${this.#retryMs}`);
    }
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#onError = options.onError;
    this.#onWritten = options.onWritten;
  }

  /** Counters since start. */
  stats(): CandleWriterStats {
    return {
      written: this.#written,
      writes: this.#writes,
      failures: this.#failures,
      dropped: this.#dropped,
      queued: this.#queue.length,
    };
  }

  /** Bars written or dropped so far: tickets up to this are settled. */
  get settled(): number {
    return this.#settled;
  }

  /**
   * Queues `bars` for writing (starting a write unless one is running) and
   * returns the ticket of the last: once `settled` reaches it, they and
   * everything queued before are written (or were dropped).
   */
  enqueue(bars: readonly StoredBar[]): number {
    if (bars.length === 0 || this.#stopped) return this.#enqueued;
    this.#queue.push(...bars);
    this.#enqueued += bars.length;
    const over = this.#queue.length - this.#maxQueued;
    if (over > 0) {
      this.#queue.splice(0, over);
      this.#dropped += over;
      this.#settled += over;
    }
    this.#running ??= this.#run();
    return this.#enqueued;
  }

  /**
   * Writes what is queued (one last try after a failure) and stops taking
   * bars; resolves when done.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry !== undefined) this.#clock.clearTimer(this.#retry);
    this.#wake?.();
    await this.#running;
  }

  /**
   * Drops what is queued and any pending retry, counted as dropped (this
   * instance no longer writes: another one leads, and these writes would
   * be fenced). Bars enqueued later are written as usual.
   */
  abandon(): void {
    this.#dropped += this.#queue.length;
    this.#settled += this.#queue.length;
    this.#queue = [];
    this.#abandoned++;
    if (this.#retry !== undefined) this.#clock.clearTimer(this.#retry);
    this.#wake?.();
  }

  /** Resolves once everything queued so far has been written (or failed). */
  async drained(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #run(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#queue.length);
      const abandoned = this.#abandoned;
      this.#writes++;
      try {
        await this.#store.put(batch);
        this.#written += batch.length;
        this.#settled += batch.length;
        this.#onWritten?.(batch);
        continue;
      } catch (error) {
        this.#failures++;
        if (abandoned !== this.#abandoned) {
          this.#dropped += batch.length;
          this.#settled += batch.length;
          continue;
        }
        this.#onError?.(error);
        this.#queue.unshift(...batch);
      }
      if (this.#stopped) break;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#retry = this.#clock.setTimer(resolve, this.#retryMs);
      });
      this.#retry = undefined;
      this.#wake = undefined;
    }
    this.#running = undefined;
  }
}
