import assert from "node:assert/strict";
import { FanoutGovernor } from "./fanout_governor.ts";

Deno.test("FanoutGovernor - an on-time loop sheds nothing", () => {
  const governor = new FanoutGovernor();
  for (const lag of [0, 3, 9, 30, 49, 49, 49, 49]) {
    assert.equal(governor.observeLag(lag), 0);
  }
});

Deno.test("FanoutGovernor - a loop that stays late doubles the interval up to the maximum", () => {
  const governor = new FanoutGovernor();
  const intervals = Array.from({ length: 9 }, () => governor.observeLag(100));
  assert.deepEqual(intervals, [0, 0, 0, 100, 200, 400, 800, 1_000, 1_000]);
});

Deno.test("FanoutGovernor - isolated late firings, however late, are not overload", () => {
  const governor = new FanoutGovernor();
  const intervals = [5_000, 0, 0, 300, 0, 0, 900, 0].map((lag) =>
    governor.observeLag(lag)
  );
  assert.deepEqual(intervals, [0, 0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("FanoutGovernor - a loop late every other firing is overloaded", () => {
  const governor = new FanoutGovernor();
  for (let i = 0; i < 20; i++) governor.observeLag(i % 2 ? 0 : 100);
  assert.ok(governor.intervalMs > 0, `interval ${governor.intervalMs}`);
});

Deno.test("FanoutGovernor - back on time it halves the interval down to none", () => {
  const governor = new FanoutGovernor();
  for (let i = 0; i < 9; i++) governor.observeLag(100);
  const intervals = Array.from({ length: 30 }, () => governor.observeLag(0));
  for (let i = 1; i < intervals.length; i++) {
    assert.ok(intervals[i] <= intervals[i - 1], `at ${i}: ${intervals}`);
  }
  const steps = [...new Set(intervals)];
  assert.deepEqual(steps, [1_000, 500, 250, 125, 0]);
});

Deno.test("FanoutGovernor - thresholds can be overridden", () => {
  const governor = new FanoutGovernor({
    overloadLagMs: 5,
    smoothing: 1,
    firstIntervalMs: 40,
    maxIntervalMs: 60,
  });
  assert.deepEqual([6, 6].map((lag) => governor.observeLag(lag)), [40, 60]);
});
