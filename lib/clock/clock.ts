/**
 * Time as every part of the service sees it — server, worker and browser
 * alike: wall-clock reads, a monotonic reading for measuring intervals, and
 * one-shot timers. Injected everywhere so timer logic is tested with
 * {@linkcode FakeClock} (`fake_clock.ts`) instead of real sleeps. Browser-safe:
 * no Deno APIs.
 */

/** Id of a pending timer: the runtime's handle, or a fake clock's number. */
export type TimerId = ReturnType<typeof setTimeout> | number;

/** Wall-clock time, monotonic time and one-shot timers. */
export interface Clock {
  /** Current time, epoch milliseconds (may step when the system clock does). */
  now(): number;
  /**
   * Milliseconds from an arbitrary origin that never go back: for measuring
   * how long something took or how late a timer fired.
   */
  monotonic(): number;
  /** Runs `callback` once after `ms` milliseconds. */
  setTimer(callback: () => void, ms: number): TimerId;
  /** Cancels a pending timer; unknown or fired ids are ignored. */
  clearTimer(id: TimerId): void;
}

/** The real clock: `Date.now`, `performance.now` and the runtime's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (id) => clearTimeout(id),
};
