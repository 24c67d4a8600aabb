import assert from "node:assert/strict";
import { checkHitCount, StandingFault } from "./standing_fault.ts";

Deno.test("StandingFault - a budget of hits clears the slot when spent", () => {
  const slot = new StandingFault<string>((fault) => fault.toUpperCase());
  slot.set("a", 2);
  assert.equal(slot.name, "A");
  assert.equal(slot.spendOne(), false);
  assert.equal(slot.remaining, 1);
  assert.equal(slot.spendOne(), true);
  assert.equal(slot.fault, null);
  assert.equal(slot.name, null);
  slot.set("b");
  assert.equal(slot.spendOne(), false, "no budget: until cleared");
  assert.equal(slot.fault, "b");
});

Deno.test("StandingFault - counts hits by canonical name", () => {
  const slot = new StandingFault<string>((fault) => fault.toUpperCase());
  slot.count("a");
  slot.count("A");
  slot.count("b");
  assert.deepEqual(slot.applied, { A: 2, B: 1 });
});

Deno.test("checkHitCount - only a positive integer or nothing", () => {
  checkHitCount(undefined);
  checkHitCount(3);
  for (const bad of [0, -1, 1.5, NaN]) {
    assert.throws(() => checkHitCount(bad), /count must be a positive integer/);
  }
});
