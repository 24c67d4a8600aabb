import assert from "node:assert/strict";
import { priceVelocity } from "./velocity.ts";

Deno.test("price velocity - percent change per second", () => {
  assert.equal(priceVelocity(100, 0, 101, 1_000), 1);
  assert.equal(priceVelocity(100, 0, 101, 2_000), 0.5);
  assert.equal(priceVelocity(100, 5_000, 98, 5_500), -4);
});

Deno.test("price velocity - equal timestamps answer 0, not Infinity", () => {
  assert.equal(priceVelocity(100, 1_000, 120, 1_000), 0);
});

Deno.test("price velocity - backwards timestamps answer 0", () => {
  assert.equal(priceVelocity(100, 2_000, 120, 1_000), 0);
});

Deno.test("price velocity - non-positive previous price answers 0", () => {
  assert.equal(priceVelocity(0, 0, 120, 1_000), 0);
  assert.equal(priceVelocity(-10, 0, 120, 1_000), 0);
});

Deno.test("price velocity - non-finite inputs answer 0", () => {
  assert.equal(priceVelocity(NaN, 0, 1, 1_000), 0);
  assert.equal(priceVelocity(1, 0, NaN, 1_000), 0);
  assert.equal(priceVelocity(1, 0, Infinity, 1_000), 0);
  assert.equal(priceVelocity(1, NaN, 2, 1_000), 0);
  assert.equal(priceVelocity(1, 0, 2, Infinity), 0);
  assert.equal(priceVelocity(1, -Infinity, 2, 0), 0);
});

Deno.test("price velocity - unchanged price is 0", () => {
  assert.equal(priceVelocity(100, 0, 100, 1_000), 0);
});
