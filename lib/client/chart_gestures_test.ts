import assert from "node:assert/strict";
import { ChartGestures } from "./chart_gestures.ts";

Deno.test("ChartGestures - a press without movement is a tap, not a pan", () => {
  const g = new ChartGestures();
  g.down(1, 100);
  assert.equal(g.move(1, 102), undefined);
  assert.equal(g.up(1), true);
  assert.equal(g.active, false);
});

Deno.test("ChartGestures - a drag pans by the distance since it began", () => {
  const g = new ChartGestures();
  g.down(1, 100);
  assert.deepEqual(g.move(1, 130), { kind: "pan", dx: 30 });
  assert.deepEqual(g.move(1, 90), { kind: "pan", dx: -10 });
  assert.equal(g.up(1), false);
});

Deno.test("ChartGestures - two pointers pinch around their starting midpoint", () => {
  const g = new ChartGestures();
  g.down(1, 100);
  g.down(2, 300);
  assert.deepEqual(g.move(2, 500), {
    kind: "pinch",
    factor: 0.5,
    anchorX: 200,
  });
  assert.deepEqual(g.move(1, 400), { kind: "pinch", factor: 2, anchorX: 200 });
  g.up(2);
  assert.equal(g.up(1), false, "a pinch is not a tap");
  assert.equal(g.move(3, 10), undefined, "unknown pointer");
});
