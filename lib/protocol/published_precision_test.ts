import assert from "node:assert/strict";
import { roundTo } from "./published_precision.ts";

Deno.test("roundTo - rounds to the given decimals, halves up, whole numbers kept", () => {
  assert.equal(roundTo(3.46113145617146, 4), 3.4611);
  assert.equal(roundTo(-0.03366687427888343, 6), -0.033667);
  assert.equal(roundTo(0.00005, 4), 0.0001);
  assert.equal(roundTo(12, 4), 12);
  assert.equal(roundTo(0, 6), 0);
});
