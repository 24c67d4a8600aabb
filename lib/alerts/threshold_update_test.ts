import assert from "node:assert/strict";
import { HttpError } from "../http/http_error.ts";
import type { ThresholdChange } from "../ledger/threshold_store.ts";
import {
  thresholdChanges,
  thresholdUpdateResponse,
} from "./threshold_update.ts";

function change(
  kind: ThresholdChange["kind"],
  previous: number,
  threshold: number,
): ThresholdChange {
  return {
    id: "00lr0bqh9a-0a1b2c3d",
    time: "2024-01-02T03:04:05.006Z",
    symbol: "BTC-USDT",
    kind,
    previous,
    threshold,
    actor_ip: "10.0.0.9",
  };
}

Deno.test("thresholdChanges - API fields become store kinds", () => {
  assert.deepEqual(thresholdChanges({ threshold: 1 }), { whale: 1 });
  assert.deepEqual(
    thresholdChanges({ trade_threshold: 2, spike_threshold: 3 }),
    { trade: 2, spike: 3 },
  );
});

Deno.test("thresholdChanges - nothing to change, zero, NaN and Infinity are 400", () => {
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
      (error) => error instanceof HttpError && error.status === 400,
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
