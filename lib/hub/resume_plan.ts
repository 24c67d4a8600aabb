/**
 * Decides what a joining subscriber receives for one channel, from the
 * client's resume point and the server's history window. Pure, so every edge
 * (restart, overflowed ring, client ahead of server) has a direct unit test.
 */

/** What the client asked for. */
export interface ResumeRequest {
  /** The last seq the client has, or undefined for a fresh join. */
  readonly since?: number;
  /** The epoch the client's seq belongs to, if it sent one. */
  readonly epoch?: string;
}

/** What the server holds for the channel. */
export interface HistoryWindow {
  readonly epoch: string;
  /** Seq of the oldest tick still in history, or undefined when empty. */
  readonly oldestSeq?: number;
  /** Seq of the newest tick published, 0 when none yet. */
  readonly latestSeq: number;
}

/** The replay to perform before live ticks. */
export type ResumePlan =
  /** Send the whole history. */
  | { readonly kind: "full" }
  /** Send ticks with seq greater than `after` (possibly none). */
  | { readonly kind: "from"; readonly after: number }
  /** The client's point is unusable: send a reset, then the latest snapshot. */
  | {
    readonly kind: "reset";
    readonly reason: "epoch-changed" | "too-old" | "ahead";
  };

/**
 * Plans the replay for one channel. A client resumes gaplessly only when its
 * epoch matches (or it sent none) and every tick after `since` is still held.
 */
export function planResume(
  request: ResumeRequest,
  window: HistoryWindow,
): ResumePlan {
  if (request.since === undefined) return { kind: "full" };
  if (request.epoch !== undefined && request.epoch !== window.epoch) {
    return { kind: "reset", reason: "epoch-changed" };
  }
  if (request.since > window.latestSeq) {
    return { kind: "reset", reason: "ahead" };
  }
  if (request.since === window.latestSeq) {
    return { kind: "from", after: request.since };
  }
  const oldest = window.oldestSeq;
  if (oldest === undefined || request.since + 1 < oldest) {
    return { kind: "reset", reason: "too-old" };
  }
  return { kind: "from", after: request.since };
}
