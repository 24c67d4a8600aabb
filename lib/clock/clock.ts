/**
 * Time as the ingestion code sees it: wall-clock reads and one-shot timers.
 * Injected everywhere so timer logic is tested with a fake clock instead of
 * real sleeps.
 */

/** Id of a pending timer: the runtime's handle, or a fake clock's number. */
export type TimerId = ReturnType<typeof setTimeout> | number;

/** Wall-clock time and one-shot timers. */
export interface Clock {
  /** Current time, epoch milliseconds. */
  now(): number;
  /** Runs `callback` once after `ms` milliseconds. */
  setTimer(callback: () => void, ms: number): TimerId;
  /** Cancels a pending timer; unknown or fired ids are ignored. */
  clearTimer(id: TimerId): void;
}

/** The real clock: `Date.now` and the runtime's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (id) => clearTimeout(id),
};
