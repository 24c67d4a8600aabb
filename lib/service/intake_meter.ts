/**
 * How the main thread keeps up with ingestion, in two figures an operator
 * can read off `/metrics` when ticks arrive late:
 *
 * - **tick age**: the exchange's time of each tick to the moment the main
 *   thread takes it in. It holds everything before the hub: the exchange
 *   (or simulator) sending, the socket, the worker's parsing and analysis,
 *   its gathering window and the message across the worker boundary.
 * - **cycle handling**: the main thread's time to hand one cycle's ticks on
 *   (number and publish them, send them to every socket, build candles,
 *   check alerts). While it runs the worker gathers the next cycle
 *   (`batch_gate.ts`), so a long handling time shows in the next cycle's
 *   tick age.
 *
 * Both are windows of the newest samples (`LatencyWindow`): fixed memory,
 * quantiles computed only when scraped.
 */
import type { Clock } from "../clock/clock.ts";
import { LatencyWindow } from "../engine/latency_window.ts";
import type { IntakeMetrics } from "../protocol/api_types.ts";
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";

/** Tick ages kept: about a second of a whole market's ticks. */
const AGE_SAMPLES = 16_384;
/** Cycle handling times kept: a minute or more of cycles. */
const CYCLE_SAMPLES = 2_048;

/** Tick age and cycle handling time on the main thread. */
export class IntakeMeter {
  readonly #clock: Clock;
  readonly #age = new LatencyWindow(AGE_SAMPLES);
  readonly #handling = new LatencyWindow(CYCLE_SAMPLES);
  #cycles = 0;

  /** `clock`: wall time for the ages, monotonic time for the handling. */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Records the age of each of `ticks` now, then times `handle` (which hands them on). */
  take(ticks: readonly AnalyzedTick[], handle: () => void): void {
    const now = this.#clock.now();
    for (const tick of ticks) this.#age.add(now - tick.upstream_ts);
    const started = this.#clock.monotonic();
    try {
      handle();
    } finally {
      this.#handling.add(this.#clock.monotonic() - started);
      this.#cycles++;
    }
  }

  /**
   * The figures for `/api/metrics` (quantiles null before the first cycle),
   * handling times to a hundredth of a millisecond.
   */
  metrics(): IntakeMetrics {
    const age = this.#age.quantiles();
    const handling = this.#handling.quantiles();
    return {
      tick_age_ms: { p50: age.p50, p99: age.p99, max: age.max },
      cycle_handling_ms: {
        p50: hundredths(handling.p50),
        p99: hundredths(handling.p99),
        max: hundredths(handling.max),
      },
      cycles_total: this.#cycles,
    };
  }
}

function hundredths(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 100) / 100;
}
