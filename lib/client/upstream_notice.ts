/**
 * What the dashboard says while the exchange is unreachable. The page keeps
 * showing what it has, so the notice must say whether that is anything: the
 * last good data and its age, or that nothing has arrived yet (a first start
 * without network), never "last good data" when there is none.
 */
import type { StatusFrame } from "../protocol/frames.ts";
import { formatDuration } from "./format.ts";
import { ageMs } from "./freshness.ts";

/**
 * The banner text for an `offline` upstream status, at client time `now`;
 * `clockOffsetMs` (server minus client clock) dates the server's timestamp.
 */
export function upstreamOfflineText(
  status: StatusFrame,
  now: number,
  clockOffsetMs: number,
): string {
  const detail = status.detail ? ` (${status.detail})` : "";
  if (status.last_success === null) {
    return `Upstream offline: no market data received yet${detail}. Prices appear as soon as the exchange answers.`;
  }
  const age = formatDuration(ageMs(status.last_success, now, clockOffsetMs));
  return `Upstream offline: showing the last good data, ${age} old${detail}.`;
}
