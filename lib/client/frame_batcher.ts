/**
 * Collects socket frames and hands them over once per animation frame, so
 * 4 symbols × 20 ticks/s cause at most one signal update (one render) per
 * display frame instead of eighty. A minimum interval between flushes caps
 * renders further (numbers changing 60 times a second cannot be read, but
 * the layout work is paid for). Hidden tabs get no animation frames, so
 * there a short timer flushes instead and the queue never grows unbounded.
 */
import { type Clock, systemClock } from "../clock/clock.ts";

/** Schedules one callback; returns a function that cancels it. */
export type Schedule = (callback: () => void) => () => void;

/** Options of {@linkcode FrameBatcher}. */
export interface FrameBatcherOptions {
  /** How a flush is scheduled. Default {@linkcode browserSchedule}. */
  readonly schedule?: Schedule;
  /** Items at which a flush happens at once. Default 5 000. */
  readonly maxQueue?: number;
  /** Least time between two flushes, ms. Default 0 (every frame). */
  readonly minIntervalMs?: number;
  /**
   * Clock of the interval: measured on its monotonic reading, waited out with
   * its timers. Default {@linkcode systemClock}.
   */
  readonly clock?: Clock;
}

/** Per-frame batching of items. */
export class FrameBatcher<T> {
  #queue: T[] = [];
  #cancel: (() => void) | undefined;
  #flush: (items: T[]) => void;
  #schedule: Schedule;
  #maxQueue: number;
  #minIntervalMs: number;
  #clock: Clock;
  #lastFlush = -Infinity;

  /** Calls `flush` with everything pushed since the last flush. */
  constructor(flush: (items: T[]) => void, options: FrameBatcherOptions = {}) {
    this.#flush = flush;
    this.#schedule = options.schedule ?? browserSchedule;
    this.#maxQueue = options.maxQueue ?? 5_000;
    this.#minIntervalMs = options.minIntervalMs ?? 0;
    this.#clock = options.clock ?? systemClock;
  }

  /** Queues `item` for the next flush. */
  push(item: T): void {
    this.#queue.push(item);
    if (this.#queue.length >= this.#maxQueue) this.flushNow();
    else this.#cancel ??= this.#plan();
  }

  /** Flushes now (e.g. before reading state the queue would change). */
  flushNow(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    if (this.#queue.length === 0) return;
    const items = this.#queue;
    this.#queue = [];
    this.#lastFlush = this.#clock.monotonic();
    this.#flush(items);
  }

  /** Schedules the next flush: the next frame after the interval has passed. */
  #plan(): () => void {
    const wait = this.#lastFlush + this.#minIntervalMs -
      this.#clock.monotonic();
    if (wait <= 0) return this.#schedule(() => this.flushNow());
    let cancelFrame: (() => void) | undefined;
    const timer = this.#clock.setTimer(() => {
      cancelFrame = this.#schedule(() => this.flushNow());
    }, wait);
    return () => {
      this.#clock.clearTimer(timer);
      cancelFrame?.();
    };
  }

  /** Drops pending items and the scheduled flush. */
  dispose(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#queue = [];
  }
}

/** `requestAnimationFrame` while visible, a 250 ms timer while hidden. */
export const browserSchedule: Schedule = (callback) => {
  if (
    typeof document !== "undefined" && document.visibilityState === "visible"
  ) {
    const id = requestAnimationFrame(callback);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(callback, 250);
  return () => clearTimeout(id);
};
