/**
 * How both alert trails append: read where the trail stands (the last id
 * issued, and whatever the store checks to see that nobody wrote since),
 * give each draft the next id, and commit — atomically, only if the trail
 * still stands there, only under the leader's fence, and skipping drafts
 * whose idempotency key was stored before. A commit that lost a race with
 * another writer is tried again from a fresh read; a fenced one is not.
 * Ids stay monotonic across instances because each attempt continues from
 * the stored last id, never from memory alone.
 */
import { alertFrame } from "../alerts/alert_draft.ts";
import {
  formatAlertId,
  nextAlertId,
  parseAlertId,
} from "../alerts/alert_id.ts";
import type { Lease } from "../engine/stream_engine.ts";
import type { AlertFrame } from "../protocol/frames.ts";
import type { KeyedAppendResult, KeyedDraft } from "./alert_trail.ts";

/** Where a trail stands: the last id issued ("" = none) and a check token. */
export interface TrailHead<T> {
  readonly lastId: string;
  readonly token: T;
}

/** A frame to commit with its idempotency key ("" = none). */
export interface KeyedFrame {
  readonly key: string;
  readonly frame: AlertFrame;
}

/**
 * What one commit did: the ids stored (keys seen before are skipped), or
 * `race` (the head moved: read again), or `fenced` (the lease is gone).
 */
export type TrailCommit = ReadonlySet<string> | "race" | "fenced";

/** The two operations a trail's store provides for appending. */
export interface TrailWriter<T> {
  /** Reads where the trail stands. */
  head(): Promise<TrailHead<T>>;
  /**
   * Commits `frames` in one atomic step if the trail still stands at
   * `head` and, with `fence`, the lease is still held.
   */
  commit(
    head: TrailHead<T>,
    frames: readonly KeyedFrame[],
    fence: Lease | undefined,
  ): Promise<TrailCommit>;
}

/** Tries of a commit that lost a race with another writer. */
export const APPEND_ATTEMPTS = 10;

/** Appends `entries` through `writer` (see the module comment). */
export async function appendKeyed<T>(
  writer: TrailWriter<T>,
  entries: readonly KeyedDraft[],
  fence: Lease | undefined,
): Promise<KeyedAppendResult> {
  if (entries.length === 0) return { ok: true, stored: [] };
  for (let attempt = 1; attempt <= APPEND_ATTEMPTS; attempt++) {
    const head = await writer.head();
    let last = head.lastId === "" ? undefined : parseAlertId(head.lastId);
    const frames = entries.map(({ key, draft }): KeyedFrame => {
      last = nextAlertId(last, draft.at);
      return { key, frame: alertFrame(draft, formatAlertId(last)) };
    });
    const outcome = await writer.commit(head, frames, fence);
    if (outcome === "fenced") return { ok: false, reason: "fenced" };
    if (outcome !== "race") {
      return {
        ok: true,
        stored: frames.filter((f) => outcome.has(f.frame.id)).map((f) =>
          f.frame
        ),
      };
    }
    // Two writers that keep colliding fall out of step.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.random() * 5 * attempt)
    );
  }
  throw new Error("Alerts were not committed: the meta record kept changing");
}
