/**
 * Translation between the threshold API (`threshold`, `trade_threshold`,
 * `spike_threshold`, `liquidation_threshold`) and the threshold kinds
 * (`whale`, `trade`, `spike`, `liquidation`), in both directions, so the
 * service composes rather than maps. Domain code: a bad request is a
 * {@linkcode ThresholdUpdateError}, which the service answers as a 400.
 */
import type {
  ThresholdUpdate,
  ThresholdUpdateResponse,
} from "../protocol/api_types.ts";
import { THRESHOLD_KINDS, type ThresholdKind } from "./symbol_thresholds.ts";

/** A threshold change that cannot be applied; the message says why. */
export class ThresholdUpdateError extends Error {
  /** `message` is shown to the caller. */
  constructor(message: string) {
    super(message);
    this.name = "ThresholdUpdateError";
  }
}

/** What a stored change reports back: the line, its old and new value. */
export interface AppliedThresholdChange {
  readonly kind: ThresholdKind;
  readonly previous: number;
  readonly threshold: number;
}

/** Request field of each threshold kind in `PUT /api/thresholds/:symbol`. */
export const REQUEST_FIELDS: Readonly<
  Record<ThresholdKind, keyof ThresholdUpdate>
> = {
  whale: "threshold",
  trade: "trade_threshold",
  spike: "spike_threshold",
  liquidation: "liquidation_threshold",
};

/**
 * The kinds a request changes. The route validated the body already; this
 * guards callers that bypass it: a {@linkcode ThresholdUpdateError} for a
 * value that is not a positive finite number, or for a request that changes
 * nothing.
 */
export function thresholdChanges(
  update: ThresholdUpdate,
): Partial<Record<ThresholdKind, number>> {
  const changes: Partial<Record<ThresholdKind, number>> = {};
  for (const kind of THRESHOLD_KINDS) {
    const value = update[REQUEST_FIELDS[kind]];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) {
      throw new ThresholdUpdateError(
        `${REQUEST_FIELDS[kind]} must be a positive finite number`,
      );
    }
    changes[kind] = value;
  }
  if (Object.keys(changes).length === 0) {
    throw new ThresholdUpdateError(
      "Give at least one of threshold, trade_threshold, spike_threshold, liquidation_threshold",
    );
  }
  return changes;
}

/**
 * The answer to a threshold change: the whale line always (`previous` equal
 * to it when unchanged, as the original answered), the other lines with
 * their previous values only when the request changed them.
 */
export function thresholdUpdateResponse(
  symbol: string,
  whale: number,
  records: readonly AppliedThresholdChange[],
): ThresholdUpdateResponse {
  const changed = (kind: ThresholdKind) => records.find((r) => r.kind === kind);
  const trade = changed("trade");
  const spike = changed("spike");
  const liquidation = changed("liquidation");
  return {
    symbol,
    threshold: whale,
    previous: changed("whale")?.previous ?? whale,
    ...(trade && {
      trade_threshold: trade.threshold,
      previous_trade_threshold: trade.previous,
    }),
    ...(spike && {
      spike_threshold: spike.threshold,
      previous_spike_threshold: spike.previous,
    }),
    ...(liquidation && {
      liquidation_threshold: liquidation.threshold,
      previous_liquidation_threshold: liquidation.previous,
    }),
  };
}
