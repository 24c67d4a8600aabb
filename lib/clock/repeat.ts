/**
 * A repeating timer on a {@linkcode Clock}: what `setInterval` is to the
 * runtime, so periodic work (hub sweeps, heartbeats, the fan-out governor's
 * sampling) runs on an injected clock and is tested with `FakeClock`.
 *
 * Each firing arms the next one first, `periodMs` after it fired, so a
 * callback that throws does not end the repetition (as with `setInterval`),
 * and reports how late it fired on the clock's monotonic reading: the event
 * loop's lag, which the fan-out governor turns into load shedding.
 * Browser-safe: no Deno APIs.
 */
import type { Clock, TimerId } from "./clock.ts";

/** A running repetition. */
export interface Repeating {
  /** Cancels the next firing; safe to call more than once. */
  stop(): void;
}

/**
 * Calls `callback` every `periodMs` until stopped, first `periodMs` from now.
 * `callback` gets how late this firing is, ms (0 or more). Throws a
 * `RangeError` unless `periodMs` is a positive finite number.
 */
export function repeatEvery(
  clock: Clock,
  periodMs: number,
  callback: (lateMs: number) => void,
): Repeating {
  if (!(periodMs > 0 && Number.isFinite(periodMs))) {
    throw new RangeError(`periodMs must be > 0, got ${periodMs}`);
  }
  let timer: TimerId | undefined;
  let stopped = false;
  const arm = (dueAt: number) => {
    timer = clock.setTimer(() => {
      const at = clock.monotonic();
      arm(at + periodMs);
      callback(Math.max(0, at - dueAt));
    }, periodMs);
  };
  arm(clock.monotonic() + periodMs);
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) clock.clearTimer(timer);
      timer = undefined;
    },
  };
}
