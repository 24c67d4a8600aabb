/**
 * Background retention of the alert trail: a timer prunes alerts by age and
 * by count. Each run deletes a bounded number, so a large backlog (after a
 * limit was lowered) is worked off in small steps a second apart instead of
 * one long pause; runs never overlap, and `stop()` waits for the one in
 * flight so KV is not closed under it.
 */
import { type Clock, systemClock, type TimerId } from "../clock/clock.ts";
import type { AlertTrail, PruneResult } from "./alert_trail.ts";

/** Options of {@linkcode RetentionSweeper}. */
export interface RetentionOptions {
  readonly store: Pick<AlertTrail, "prune">;
  /** Alerts older than this are deleted, ms. */
  readonly maxAgeMs: number;
  /** At most this many alerts are kept. */
  readonly maxCount: number;
  /** Pause between runs, ms. Default 60 000. */
  readonly intervalMs?: number;
  /** Pause before the next run while a backlog remains, ms. Default 1 000. */
  readonly catchUpMs?: number;
  /** Most alerts deleted per run. Default 1 000. */
  readonly maxDeletesPerRun?: number;
  /** Time and timers. Default the system clock. */
  readonly clock?: Clock;
  /** Called after a run that deleted something. */
  readonly onPruned?: (result: PruneResult) => void;
  /** Called when a run fails; the next run is still scheduled. */
  readonly onError?: (error: unknown) => void;
}

/** Prunes the alert trail on a timer until stopped. */
export class RetentionSweeper {
  #options: RetentionOptions;
  #clock: Clock;
  #intervalMs: number;
  #catchUpMs: number;
  #timer: TimerId | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  /** Throws a `RangeError` naming the option for a bad value. */
  constructor(options: RetentionOptions) {
    this.#intervalMs = options.intervalMs ?? 60_000;
    this.#catchUpMs = options.catchUpMs ?? 1_000;
    for (
      const [name, value] of [
        ["maxAgeMs", options.maxAgeMs],
        ["maxCount", options.maxCount],
        ["intervalMs", this.#intervalMs],
        ["catchUpMs", this.#catchUpMs],
        ["maxDeletesPerRun", options.maxDeletesPerRun ?? 1_000],
      ] as const
    ) {
      if (!Number.isFinite(value) || value <= 0) {
        throw new RangeError(`${name} must be a positive number, got ${value}`);
      }
    }
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Schedules the first run right away (a restart may find a backlog). */
  start(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    this.#schedule(0);
  }

  /** Cancels the timer and waits for a run in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    await this.idle();
  }

  /** Resolves once the run in flight (if any) has finished and rescheduled. */
  async idle(): Promise<void> {
    await this.#running;
  }

  #schedule(ms: number): void {
    this.#timer = this.#clock.setTimer(() => {
      this.#timer = undefined;
      this.#running = this.#run();
    }, ms);
  }

  async #run(): Promise<void> {
    const { store, maxAgeMs, maxCount, onPruned, onError } = this.#options;
    let next = this.#intervalMs;
    try {
      const result = await store.prune({
        now: this.#clock.now(),
        maxAgeMs,
        maxCount,
        maxDeletes: this.#options.maxDeletesPerRun ?? 1_000,
      });
      if (result.deleted > 0) onPruned?.(result);
      if (result.more) next = this.#catchUpMs;
    } catch (error) {
      onError?.(error);
    }
    if (!this.#stopped) this.#schedule(next);
  }
}
