/**
 * How old the data on screen is, measured against the server's clock (the
 * client's may be off): ticks are stamped by the server, and the hello frame
 * tells the client how far its clock is from the server's.
 */
import type { StatusFrame } from "../protocol/frames.ts";

/** Data older than this is marked stale (the service's own stall limit). */
export const STALE_AFTER_MS = 10_000;

/** Age of data stamped `ts` (server ms) at client time `now`, never negative. */
export function ageMs(ts: number, now: number, clockOffsetMs: number): number {
  return Math.max(0, now + clockOffsetMs - ts);
}

/**
 * Whether data of `age` ms, under `upstream` status, should be marked stale:
 * too old, or upstream stalled ("offline"). A "degraded" upstream (say, the
 * exchange WebSocket down and REST polling instead) still delivers fresh data.
 */
export function isStale(
  age: number | null,
  upstream: StatusFrame | null,
): boolean {
  if (age === null) return false;
  return age > STALE_AFTER_MS || upstream?.upstream === "offline";
}
