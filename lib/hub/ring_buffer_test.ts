import assert from "node:assert/strict";
import { RingBuffer } from "./ring_buffer.ts";

Deno.test("RingBuffer - holds items oldest first until full", () => {
  const ring = new RingBuffer<number>(3);
  assert.equal(ring.size, 0);
  assert.equal(ring.newest(), undefined);
  ring.push(1);
  ring.push(2);
  assert.equal(ring.size, 2);
  assert.deepEqual(ring.slice(), [1, 2]);
  assert.equal(ring.newest(), 2);
});

Deno.test("RingBuffer - overwrites the oldest once full", () => {
  const ring = new RingBuffer<number>(3);
  for (let i = 1; i <= 7; i++) ring.push(i);
  assert.equal(ring.size, 3);
  assert.equal(ring.capacity, 3);
  assert.deepEqual(ring.slice(), [5, 6, 7]);
  assert.equal(ring.at(0), 5);
  assert.equal(ring.newest(), 7);
});

Deno.test("RingBuffer - at() is undefined outside the held range", () => {
  const ring = new RingBuffer<string>(2);
  ring.push("a");
  assert.equal(ring.at(-1), undefined);
  assert.equal(ring.at(1), undefined);
  assert.equal(ring.at(0), "a");
});

Deno.test("RingBuffer - slice(from) skips the oldest, clamps negatives", () => {
  const ring = new RingBuffer<number>(4);
  for (let i = 1; i <= 6; i++) ring.push(i);
  assert.deepEqual(ring.slice(1), [4, 5, 6]);
  assert.deepEqual(ring.slice(-5), [3, 4, 5, 6]);
  assert.deepEqual(ring.slice(4), []);
  assert.deepEqual(ring.slice(99), []);
});

Deno.test("RingBuffer - capacity 1 keeps only the newest", () => {
  const ring = new RingBuffer<number>(1);
  ring.push(1);
  ring.push(2);
  assert.deepEqual(ring.slice(), [2]);
});

Deno.test("RingBuffer - rejects a capacity that is not a positive integer", () => {
  for (const capacity of [0, -1, 1.5, NaN, Infinity]) {
    assert.throws(() => new RingBuffer(capacity), RangeError, String(capacity));
  }
});
