import assert from "node:assert/strict";
import { LatencyWindow } from "./latency_window.ts";

Deno.test("LatencyWindow - quantiles over the newest samples only", () => {
  const window = new LatencyWindow(100);
  assert.deepEqual(window.quantiles(), {
    p50: null,
    p99: null,
    max: null,
    count: 0,
  });
  for (let i = 0; i < 300; i++) window.add(i < 200 ? 1_000 : i - 200);
  const q = window.quantiles();
  assert.equal(q.count, 100);
  assert.equal(q.p50, 50);
  assert.equal(q.p99, 99);
  assert.equal(q.max, 99);
  assert.equal(window.last, 99);
});

Deno.test("LatencyWindow - a negative sample (clock skew) counts as 0", () => {
  const window = new LatencyWindow(4);
  window.add(-3);
  assert.equal(window.last, 0);
});
