/**
 * The one fake {@linkcode Clock} for tests: time moves only when the test
 * calls `advance`, which fires due timers in time order (ties in the order they
 * were set), so timer logic is tested without real sleeps.
 */
import type { Clock, TimerId } from "./clock.ts";

interface FakeTimer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/** A manual {@linkcode Clock}. */
export class FakeClock implements Clock {
  readonly #start: number;
  #now: number;
  #nextId = 1;
  #timers: FakeTimer[] = [];
  /**
   * Extra delay added to every timer set from now on, ms: timers then fire
   * late, as real ones do on a busy event loop. Default 0.
   */
  lateByMs = 0;

  /** Starts at `start` epoch ms (default 2023-11-14T22:13:20Z). */
  constructor(start = 1_700_000_000_000) {
    this.#start = start;
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Milliseconds since the clock was made. */
  monotonic(): number {
    return this.#now - this.#start;
  }

  setTimer(callback: () => void, ms: number): TimerId {
    const id = this.#nextId++;
    const at = this.#now + Math.max(0, ms) + this.lateByMs;
    this.#timers.push({ id, at, callback });
    return id;
  }

  clearTimer(id: TimerId): void {
    this.#timers = this.#timers.filter((t) => t.id !== id);
  }

  /** Delays (from now) of the pending timers, soonest first. */
  pending(): number[] {
    return this.#timers.map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every timer that falls due. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.callback();
    }
    this.#now = target;
  }

  /** Lets pending promise callbacks run; no time passes. */
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }
}
