/**
 * Drives the hub's {@linkcode FanoutGovernor}: the event loop's lateness on a
 * short timer sets the least interval between two broadcasts of a symbol, and
 * the same timer sends the ticks held meanwhile. The first firing only starts
 * the clock: its lateness is the start-up work, not load.
 */
import { type Clock, systemClock } from "../clock/clock.ts";
import { repeatEvery } from "../clock/repeat.ts";
import { FanoutGovernor } from "../hub/fanout_governor.ts";
import type { StreamHub } from "../hub/stream_hub.ts";
import type { Logger } from "../observability/logger.ts";

/** How often the event loop's lag is measured, ms. */
export const GOVERNOR_PERIOD_MS = 50;

/** A running governor loop. */
export interface FanoutGovernorLoop {
  /** Stops sampling; the hub keeps its last interval. */
  stop(): void;
}

/** The parts of the hub the loop drives. */
export type GovernedHub = Pick<StreamHub, "fanoutIntervalMs" | "flushHeld">;

/**
 * Starts sampling the event loop's lag for `hub` on `clock` (default
 * {@linkcode systemClock}): its timers' lateness, read on its monotonic time.
 */
export function startFanoutGovernor(
  hub: GovernedHub,
  logger: Pick<Logger, "info">,
  clock: Clock = systemClock,
): FanoutGovernorLoop {
  const governor = new FanoutGovernor();
  let first = true;
  return repeatEvery(clock, GOVERNOR_PERIOD_MS, (lateMs) => {
    const interval = governor.observeLag(first ? 0 : lateMs);
    first = false;
    if ((interval > 0) !== (hub.fanoutIntervalMs > 0)) {
      logger.info(
        interval > 0
          ? "Event loop late: thinning broadcasts"
          : "Event loop on time: broadcasting every tick",
        { intervalMs: interval },
      );
    }
    hub.fanoutIntervalMs = interval;
    hub.flushHeld();
  });
}
