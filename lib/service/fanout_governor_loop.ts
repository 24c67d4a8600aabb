/**
 * Drives the hub's {@linkcode FanoutGovernor}: the event loop's lateness on a
 * short timer sets the least interval between two broadcasts of a symbol, and
 * the same timer sends the ticks held meanwhile. The first firing only starts
 * the clock: its lateness is the start-up work, not load.
 */
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

/** Starts sampling the event loop's lag for `hub`. */
export function startFanoutGovernor(
  hub: StreamHub,
  logger: Logger,
): FanoutGovernorLoop {
  const governor = new FanoutGovernor();
  let dueAt: number | undefined;
  const timer = setInterval(() => {
    const at = performance.now();
    const lag = dueAt === undefined ? 0 : at - dueAt;
    const interval = governor.observeLag(Math.max(0, lag));
    dueAt = at + GOVERNOR_PERIOD_MS;
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
  }, GOVERNOR_PERIOD_MS);
  return { stop: () => clearInterval(timer) };
}
