import assert from "node:assert/strict";
import { renderEnginePrometheus } from "./engine_prometheus.ts";

Deno.test("renderEnginePrometheus - every series is labelled with the engine kind", () => {
  const text = renderEnginePrometheus({
    kind: "redis",
    leader: 1,
    connected: 1,
    publishes_total: 10,
    gap_backfills_total: 2,
    lease_acquisitions_total: 1,
    lease_losses_total: 0,
    reconnects_total: 3,
    publish_failures_total: 0,
    publish_conflated_total: 0,
    publish_dropped_total: 0,
    delivery_latency_ms: { p50: 0.5, p99: 2, max: null },
  });
  assert.match(text, /^sentinel_engine_leader\{kind="redis"\} 1$/m);
  assert.match(text, /^sentinel_engine_reconnects_total\{kind="redis"\} 3$/m);
  assert.match(text, /^# TYPE sentinel_engine_gap_backfills_total counter$/m);
  assert.match(
    text,
    /^sentinel_engine_delivery_latency_ms\{kind="redis",quantile="0.99"\} 2$/m,
  );
  assert.doesNotMatch(text, /quantile="1"/);
});
