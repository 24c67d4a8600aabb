import assert from "node:assert/strict";
import type { ThresholdKind } from "./symbol_thresholds.ts";
import {
  type AppliedThresholdChange,
  thresholdChanges,
  ThresholdUpdateError,
  thresholdUpdateResponse,
} from "./threshold_update.ts";

function change(
  kind: ThresholdKind,
  previous: number,
  threshold: number,
): AppliedThresholdChange {
  return { kind, previous, threshold };
}

Deno.test("thresholdChanges - API fields become store kinds", () => {
  assert.deepEqual(thresholdChanges({ threshold: 1 }), { whale: 1 });
  assert.deepEqual(
    thresholdChanges({ trade_threshold: 2, spike_threshold: 3 }),
    { trade: 2, spike: 3 },
  );
});

Deno.test("thresholdChanges - nothing to change, zero, NaN and Infinity are refused", () => {
  for (
    const update of [
      {},
      { threshold: 0 },
      { trade_threshold: NaN },
      { spike_threshold: Infinity },
    ]
  ) {
    assert.throws(
      () => thresholdChanges(update),
      (error) =>
        error instanceof ThresholdUpdateError &&
        /threshold/.test(error.message),
      JSON.stringify(update),
    );
  }
});

Deno.test("thresholdUpdateResponse - a whale-only change answers as the original did", () => {
  assert.deepEqual(
    thresholdUpdateResponse("BTC-USDT", 7, [change("whale", 50, 7)]),
    { symbol: "BTC-USDT", threshold: 7, previous: 50 },
  );
});

Deno.test("thresholdUpdateResponse - other lines appear only when changed", () => {
  assert.deepEqual(
    thresholdUpdateResponse("BTC-USDT", 50, [change("spike", 4, 5)]),
    {
      symbol: "BTC-USDT",
      threshold: 50,
      previous: 50,
      spike_threshold: 5,
      previous_spike_threshold: 4,
    },
  );
});
