import assert from "node:assert/strict";
import { FanoutGovernor } from "./fanout_governor.ts";

Deno.test("FanoutGovernor - an on-time loop sheds nothing", () => {
  const governor = new FanoutGovernor();
  for (const lag of [0, 3, 9, 30, 49]) {
    assert.equal(governor.observeLag(lag), 0);
  }
});

Deno.test("FanoutGovernor - a loop that stays late doubles the interval up to the maximum", () => {
  const governor = new FanoutGovernor();
  const intervals = [60, 80, 200, 90, 500, 70, 55, 99].map((lag) =>
    governor.observeLag(lag)
  );
  assert.deepEqual(intervals, [0, 0, 100, 200, 400, 800, 1_000, 1_000]);
});

Deno.test("FanoutGovernor - isolated late firings are not overload", () => {
  const governor = new FanoutGovernor();
  const intervals = [300, 0, 300, 300, 20, 300].map((lag) =>
    governor.observeLag(lag)
  );
  assert.deepEqual(intervals, [0, 0, 0, 0, 0, 0]);
});

Deno.test("FanoutGovernor - back on time it halves the interval, then stops shedding", () => {
  const governor = new FanoutGovernor();
  for (let i = 0; i < 6; i++) governor.observeLag(100);
  assert.equal(governor.intervalMs, 800);
  assert.equal(governor.observeLag(20), 800, "between the marks it holds");
  const intervals = [1, 1, 1, 1].map((lag) => governor.observeLag(lag));
  assert.deepEqual(intervals, [400, 200, 100, 0]);
});

Deno.test("FanoutGovernor - thresholds can be overridden", () => {
  const governor = new FanoutGovernor({
    overloadLagMs: 5,
    overloadStreak: 1,
    firstIntervalMs: 40,
    maxIntervalMs: 60,
  });
  assert.deepEqual([6, 6].map((lag) => governor.observeLag(lag)), [40, 60]);
});
