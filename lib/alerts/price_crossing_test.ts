import assert from "node:assert/strict";
import { type CrossingState, judgeCrossing } from "./price_crossing.ts";

/** Runs `prices` through the rule from `start`; the indexes that fired. */
function fires(
  prices: number[],
  rule: Parameters<typeof judgeCrossing>[2],
  start: CrossingState = true,
): number[] {
  let state = start;
  const fired: number[] = [];
  prices.forEach((price, i) => {
    const next = judgeCrossing(state, price, rule);
    if (next.fired) fired.push(i);
    state = next.armed;
  });
  return fired;
}

const ABOVE = { level: 100, direction: "above", hysteresis: 0.02 } as const;
const BELOW = { level: 100, direction: "below", hysteresis: 0.02 } as const;

Deno.test("judgeCrossing - above: fires once on reaching the level, re-arms below the margin", () => {
  assert.deepEqual(fires([99, 100, 101, 99, 100, 97.9, 99, 100.5], ABOVE), [
    1,
    7,
  ]);
});

Deno.test("judgeCrossing - below: the mirror image", () => {
  assert.deepEqual(fires([101, 100, 99, 101, 100, 102.1, 100], BELOW), [1, 6]);
});

Deno.test("judgeCrossing - hovering at the level fires once", () => {
  const hover = [99.9, 100, 99.9, 100, 99.95, 100.1, 99.5, 100];
  assert.deepEqual(fires(hover, ABOVE), [1]);
  assert.deepEqual(
    fires(hover, { ...ABOVE, hysteresis: 0 }),
    [1, 3, 5, 7],
    "without hysteresis any move back re-arms",
  );
});

Deno.test("judgeCrossing - no reference yet: the first price only arms or disarms", () => {
  assert.deepEqual(fires([105, 106, 97, 100], ABOVE, null), [3]);
  assert.deepEqual(fires([95, 100], ABOVE, null), [1]);
  assert.deepEqual(judgeCrossing(true, NaN, ABOVE), {
    armed: true,
    fired: false,
  });
});
