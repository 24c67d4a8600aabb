/**
 * An alert as the engine raises it, before the store gives it an id. Keeping
 * ids out of the engine keeps it pure: only the store knows the last id ever
 * issued (it survives restarts), so only the store can issue the next one.
 */
import type { AlertFrame } from "../protocol/frames.ts";

/** An alert without its id; `at` is when it was raised, epoch ms. */
export type AlertDraft = Omit<AlertFrame, "type" | "id" | "time"> & {
  readonly at: number;
};

/** The frame for `draft` under `id`: the shape stored, listed and pushed. */
export function alertFrame(draft: AlertDraft, id: string): AlertFrame {
  const frame: AlertFrame = {
    type: "alert",
    id,
    time: new Date(draft.at).toISOString(),
    symbol: draft.symbol,
    kind: draft.kind,
    price: draft.price,
    notional: draft.notional,
    threshold: draft.threshold,
    source: draft.source,
  };
  return {
    ...frame,
    ...(draft.side === undefined ? {} : { side: draft.side }),
    ...(draft.direction === undefined ? {} : { direction: draft.direction }),
    ...(draft.size === undefined ? {} : { size: draft.size }),
  };
}
