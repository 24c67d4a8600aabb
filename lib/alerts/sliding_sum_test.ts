import assert from "node:assert/strict";
import { SlidingSum } from "./sliding_sum.ts";

const T0 = 1_700_000_000_000;

Deno.test("SlidingSum - sums what was added inside the window", () => {
  const sum = new SlidingSum({ windowMs: 60_000 });
  sum.add(T0, 10);
  sum.add(T0 + 1_000, 5);
  sum.add(T0 + 30_000, 1);
  assert.equal(sum.total(T0 + 30_000), 16);
});

Deno.test("SlidingSum - samples leave the window after windowMs", () => {
  const sum = new SlidingSum({ windowMs: 60_000 });
  sum.add(T0, 10);
  sum.add(T0 + 59_000, 1);
  assert.equal(sum.total(T0 + 59_999), 11);
  assert.equal(sum.total(T0 + 60_000), 1);
  assert.equal(sum.total(T0 + 120_000), 0);
});

Deno.test("SlidingSum - a reused bucket forgets its old amount", () => {
  const sum = new SlidingSum({ windowMs: 1_000, buckets: 4 });
  sum.add(T0, 100);
  sum.add(T0 + 1_000, 1);
  assert.equal(sum.total(T0 + 1_000), 1);
});

Deno.test("SlidingSum - late samples count inside the window, too-old ones do not", () => {
  const sum = new SlidingSum({ windowMs: 10_000, buckets: 10 });
  sum.add(T0 + 20_000, 1);
  sum.add(T0 + 15_000, 2);
  sum.add(T0 + 5_000, 4);
  assert.equal(sum.total(T0 + 20_000), 3);
});

Deno.test("SlidingSum - non-finite input is ignored; bad options are refused", () => {
  const sum = new SlidingSum({ windowMs: 1_000 });
  sum.add(T0, NaN);
  sum.add(NaN, 5);
  sum.add(T0, Infinity);
  assert.equal(sum.total(T0), 0);
  assert.throws(() => new SlidingSum({ windowMs: 0 }), /windowMs/);
  assert.throws(
    () => new SlidingSum({ windowMs: 1_000, buckets: 0.5 }),
    /buckets/,
  );
});
