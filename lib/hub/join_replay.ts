/**
 * What a joining socket asks for and the replay it gets for one symbol:
 * the held history after its resume point (or a fresh join's history), or —
 * when the resume point is gone or from another epoch — a `reset` and the
 * latest tick. The plan is pure (`resume_plan.ts`); this sends it.
 */
import type { PrepareFrame } from "../protocol/prepared_frame.ts";
import type { Channel } from "./channel.ts";
import type { DerivedRequest } from "./derived_rooms.ts";
import { planResume } from "./resume_plan.ts";
import type { Subscriber } from "./subscriber.ts";

/** What a joining socket asks for (derived frames: see `derived_rooms.ts`). */
export interface JoinRequest extends DerivedRequest {
  /** Channel ids (already validated and canonical). */
  readonly symbols: readonly string[];
  /** Resume points per symbol. */
  readonly since?: ReadonlyMap<string, number>;
  /** Epoch the resume points belong to. */
  readonly epoch?: string;
  /** Most history ticks replayed per symbol on a fresh join. Default: all. */
  readonly historyLimit?: number;
  /** Client IP, for accounting. */
  readonly ip: string;
  /**
   * The market overview instead of channels (`/ws/market`): `symbols` is
   * then ignored.
   */
  readonly market?: boolean;
}

/** Where a replay is sent from. */
export interface ReplayContext {
  /** The hub's epoch. */
  readonly epoch: string;
  /** Prepares each replay frame for the socket (the socket layer's). */
  readonly prepare: PrepareFrame;
}

/**
 * Sends `channel`'s replay for `request` to `subscriber` under
 * `context.epoch`; returns the newest seq the socket now has.
 */
export function replayChannel(
  subscriber: Subscriber,
  channel: Channel,
  request: JoinRequest,
  context: ReplayContext,
): number {
  const { epoch, prepare } = context;
  const plan = planResume(
    { since: request.since?.get(channel.symbol), epoch: request.epoch },
    channel.window(epoch),
  );
  if (plan.kind === "reset") {
    subscriber.sendNow(prepare(channel.resetFrame(epoch, plan.reason)));
    const latest = channel.latest;
    if (latest) subscriber.sendNow(prepare(latest.encoded));
    return latest?.seq ?? 0;
  }
  const batch = channel.batchFor(plan, request.historyLimit);
  if (batch !== undefined) {
    subscriber.sendNow(prepare(batch));
    return channel.latestSeq;
  }
  return plan.kind === "from" ? plan.after : 0;
}
