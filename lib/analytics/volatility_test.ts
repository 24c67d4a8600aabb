import assert from "node:assert/strict";
import {
  ACTIVE_SPREAD,
  ELEVATED_SPREAD,
  rangePosition,
  volatilitySpread,
  volatilityTier,
} from "./volatility.ts";

Deno.test("volatility spread - valid bounds", () => {
  assert.equal(volatilitySpread(110, 100), 10);
  assert.equal(volatilitySpread(100, 100), 0);
  const spread = volatilitySpread(21128.12, 20318.89);
  assert.ok(spread > 3.98 && spread < 3.99, `got ${spread}`);
  for (const [high, low] of [[1, 0.5], [2, 1.999], [1e6, 1]]) {
    const value = volatilitySpread(high, low);
    assert.ok(Number.isFinite(value) && value >= 0, `${high}/${low}`);
  }
});

Deno.test("volatility spread - zero-division safety", () => {
  assert.equal(volatilitySpread(100, 0), 0);
  assert.equal(volatilitySpread(0, 0), 0);
  assert.equal(volatilitySpread(100, -0), 0);
});

Deno.test("volatility spread - negative low answers 0", () => {
  assert.equal(volatilitySpread(100, -5), 0);
});

Deno.test("volatility spread - NaN and Infinity answer 0", () => {
  assert.equal(volatilitySpread(NaN, 100), 0);
  assert.equal(volatilitySpread(100, NaN), 0);
  assert.equal(volatilitySpread(Infinity, 100), 0);
  assert.equal(volatilitySpread(100, Infinity), 0);
  assert.equal(volatilitySpread(-Infinity, 100), 0);
});

Deno.test("volatility spread - an inverted band answers 0, not a negative", () => {
  assert.equal(volatilitySpread(90, 100), 0);
});

Deno.test("volatility tier - 2.5 and 5 are not above their boundaries", () => {
  assert.equal(ACTIVE_SPREAD, 2.5);
  assert.equal(ELEVATED_SPREAD, 5);
  assert.equal(volatilityTier(0), "STABLE");
  assert.equal(volatilityTier(2.5), "STABLE");
  assert.equal(volatilityTier(2.5000001), "ACTIVE");
  assert.equal(volatilityTier(5), "ACTIVE");
  assert.equal(volatilityTier(5.0000001), "ELEVATED");
  assert.equal(volatilityTier(400), "ELEVATED");
});

Deno.test("volatility tier - NaN is STABLE", () => {
  assert.equal(volatilityTier(NaN), "STABLE");
});

Deno.test("range position - maps the band to 0..100", () => {
  assert.equal(rangePosition(100, 200, 100), 0);
  assert.equal(rangePosition(200, 200, 100), 100);
  assert.equal(rangePosition(150, 200, 100), 50);
  assert.equal(rangePosition(125, 200, 100), 25);
});

Deno.test("range position - clamps a price outside the band", () => {
  assert.equal(rangePosition(50, 200, 100), 0);
  assert.equal(rangePosition(500, 200, 100), 100);
  assert.equal(rangePosition(-1, 200, 100), 0);
});

Deno.test("range position - flat, inverted or non-finite band answers 50", () => {
  assert.equal(rangePosition(100, 100, 100), 50);
  assert.equal(rangePosition(100, 90, 110), 50);
  assert.equal(rangePosition(NaN, 200, 100), 50);
  assert.equal(rangePosition(150, Infinity, 100), 50);
  assert.equal(rangePosition(150, 200, -Infinity), 50);
});
