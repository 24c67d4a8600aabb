/**
 * Load shedding at the source. When the main thread cannot keep up (its
 * event loop runs late), broadcasting every tick only queues stale frames
 * behind one another in the runtime and in every client's socket. The
 * governor turns the loop's lag into the least interval between two live
 * broadcasts of a symbol: doubling while the loop stays late, halving once it
 * is on time again, and 0 (every tick) when all is well. It follows a
 * smoothed lag in which one measurement counts for at most twice the overload
 * mark, so one late firing (a garbage collection, a burst of handshakes,
 * start-up work) is not overload, while a loop that is late more often than
 * not is, even when some firings are on time. Ticks in between are
 * still numbered and kept in history; sockets get the newest one when the
 * interval has passed, and the skipped ones are counted as conflated.
 */

/** Thresholds of {@linkcode FanoutGovernor}. */
export interface FanoutGovernorOptions {
  /** Lag (ms) from which the interval grows. Default 50. */
  readonly overloadLagMs: number;
  /** Weight of a new measurement in the smoothed lag (0–1). Default 0.2. */
  readonly smoothing: number;
  /** Lag (ms) under which the interval shrinks. Default 10. */
  readonly recoveredLagMs: number;
  /** First interval (ms) once shedding starts; below it, none. Default 100. */
  readonly firstIntervalMs: number;
  /** Longest interval (ms): a symbol still updates at least this often. Default 1 000. */
  readonly maxIntervalMs: number;
}

/** The thresholds used unless overridden. */
export const DEFAULT_FANOUT_GOVERNOR: FanoutGovernorOptions = {
  overloadLagMs: 50,
  smoothing: 0.2,
  recoveredLagMs: 10,
  firstIntervalMs: 100,
  maxIntervalMs: 1_000,
};

/** Maps event-loop lag to the least interval between broadcasts of a symbol. */
export class FanoutGovernor {
  #options: FanoutGovernorOptions;
  #intervalMs = 0;
  #smoothedLagMs = 0;

  /** Creates a governor that starts without shedding. */
  constructor(options: Partial<FanoutGovernorOptions> = {}) {
    this.#options = { ...DEFAULT_FANOUT_GOVERNOR, ...options };
  }

  /** Current least interval between two broadcasts of a symbol, ms (0: none). */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Takes one lag measurement (ms) and returns the new interval. */
  observeLag(lagMs: number): number {
    const {
      overloadLagMs,
      smoothing,
      recoveredLagMs,
      firstIntervalMs,
      maxIntervalMs,
    } = this.#options;
    const sample = Math.min(lagMs, 2 * overloadLagMs);
    this.#smoothedLagMs += smoothing * (sample - this.#smoothedLagMs);
    const lag = this.#smoothedLagMs;
    if (lag >= overloadLagMs) {
      this.#intervalMs = Math.min(
        maxIntervalMs,
        Math.max(firstIntervalMs, this.#intervalMs * 2),
      );
    } else if (lag < recoveredLagMs && this.#intervalMs > 0) {
      const halved = this.#intervalMs / 2;
      this.#intervalMs = halved < firstIntervalMs ? 0 : halved;
    }
    return this.#intervalMs;
  }
}
