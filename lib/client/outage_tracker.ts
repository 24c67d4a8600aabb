/**
 * Turns what the page sees into outages on its {@linkcode OutageLog}: a
 * status frame saying the exchange feed is failing or silent opens one from
 * the service's last good data, a status frame with data flowing again closes
 * it; the page's socket closing opens one ("the service could not be
 * reached") and opening again closes it. Times are on the server's clock, so
 * the bands line up with the bars.
 */
import type { StatusFrame } from "../protocol/frames.ts";
import type { OutageLog } from "./outages.ts";
import { describeUpstreamProblem } from "./upstream_notice.ts";

/** Outages shorter than this are not drawn (one failed poll), ms. */
export const MIN_OUTAGE_MS = 2_000;

/** Whether `frame` says no market data is arriving from the exchange. */
export function upstreamDown(frame: StatusFrame): boolean {
  return frame.upstream === "offline" ||
    (frame.upstream === "degraded" && frame.mode !== "rest-fallback");
}

/** Records what a status frame says; `serverNow` is the server's time. */
export function noteStatus(
  log: OutageLog,
  frame: StatusFrame,
  serverNow: number,
): void {
  if (upstreamDown(frame)) {
    const problem = describeUpstreamProblem(frame.detail);
    log.open(
      "upstream",
      frame.last_success ?? serverNow,
      `Exchange feed down: ${problem}`,
    );
  } else if (frame.upstream !== "connecting") {
    log.close("upstream", frame.last_success ?? serverNow, MIN_OUTAGE_MS);
  }
}

/** Records the page's socket going down (`open` false) or up. */
export function noteConnection(
  log: OutageLog,
  open: boolean,
  serverNow: number,
): void {
  if (open) log.close("page", serverNow, MIN_OUTAGE_MS);
  else {log.open(
      "page",
      serverNow,
      "SATS Sentinel could not be reached from this page",
    );}
}
