import assert from "node:assert/strict";
import { TextBudget, TextRing } from "./text_ring.ts";

/** Every held (seq, text), oldest first. */
function held(ring: TextRing): [number, string][] {
  const out: [number, string][] = [];
  for (let i = 0; i < ring.size; i++) {
    out.push([ring.seqAt(i)!, ring.textAt(i)!]);
  }
  return out;
}

Deno.test("TextRing - keeps the newest texts up to its capacity, oldest first", () => {
  const ring = new TextRing(3);
  assert.deepEqual(held(ring), []);
  for (let seq = 1; seq <= 5; seq++) ring.push(seq, `text ${seq}`);
  assert.equal(ring.size, 3);
  assert.deepEqual(held(ring), [[3, "text 3"], [4, "text 4"], [5, "text 5"]]);
  assert.equal(ring.seqAt(3), undefined);
  assert.equal(ring.textAt(-1), undefined);
  assert.equal(ring.textAt(0.5), undefined);
});

Deno.test("TextRing - texts of every length and script come back as they went in", () => {
  const ring = new TextRing(4);
  const texts = ["", "é", "x".repeat(1_000), '{"a":"€ 🐋"}', "tail"];
  texts.forEach((text, i) => ring.push(i + 1, text));
  assert.deepEqual(
    held(ring),
    texts.slice(1).map((text, i) => [i + 2, text]),
  );
});

Deno.test("TextRing - wraps around many times without losing or mixing up a pair", () => {
  const ring = new TextRing(50);
  const model: [number, string][] = [];
  for (let seq = 1; seq <= 5_000; seq++) {
    const text = String.fromCharCode(97 + (seq % 26)).repeat(seq % 300);
    ring.push(seq, text);
    model.push([seq, text]);
    if (model.length > 50) model.shift();
    if (seq % 97 === 0) assert.deepEqual(held(ring), model, `after ${seq}`);
  }
  assert.deepEqual(held(ring), model);
});

Deno.test("TextRing - map reads the pairs from a position on, oldest first, across the wrap", () => {
  const ring = new TextRing(4);
  for (let seq = 1; seq <= 6; seq++) ring.push(seq, `t${seq}`);
  const pair = (seq: number, text: string): [number, string] => [seq, text];
  assert.deepEqual(ring.map(0, pair), held(ring));
  assert.deepEqual(ring.map(-3, pair), held(ring), "before the oldest: all");
  assert.deepEqual(ring.map(2, pair), [[5, "t5"], [6, "t6"]]);
  assert.deepEqual(ring.map(4, pair), []);
  assert.deepEqual(new TextRing(2).map(0, pair), []);
});

Deno.test("TextRing - clear forgets every text and takes new ones", () => {
  const ring = new TextRing(2);
  ring.push(1, "a");
  ring.push(2, "b");
  ring.clear();
  assert.equal(ring.size, 0);
  ring.push(9, "c");
  assert.deepEqual(held(ring), [[9, "c"]]);
});

Deno.test("TextRing - a capacity that is not a positive integer is refused", () => {
  for (const capacity of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => new TextRing(capacity), RangeError);
  }
});

Deno.test("TextRing - held to a number of characters, it drops its oldest past them; the newest always stays", () => {
  const ring = new TextRing(10);
  for (let seq = 1; seq <= 5; seq++) ring.push(seq, "x".repeat(10));
  assert.equal(ring.chars, 50);
  ring.limitChars(25);
  assert.deepEqual(ring.map(0, (seq) => seq), [4, 5]);
  assert.equal(ring.chars, 20);
  ring.push(6, "y".repeat(3));
  assert.deepEqual(ring.map(0, (seq) => seq), [4, 5, 6], "23 fit");
  ring.push(7, "z".repeat(40));
  assert.deepEqual(ring.map(0, (seq) => seq), [7], "alone past the limit");
  assert.equal(ring.chars, 40);
  ring.limitChars(Infinity);
  for (let seq = 8; seq <= 20; seq++) ring.push(seq, "w");
  assert.equal(ring.size, 10, "the count still bounds it");
  assert.equal(ring.chars, 10);
  ring.clear();
  assert.equal(ring.chars, 0);
});

Deno.test("TextBudget - rings that join share it equally, at once; one leaving gives the others more", () => {
  const budget = new TextBudget(40);
  const [a, b] = [new TextRing(100), new TextRing(100)];
  for (let seq = 1; seq <= 10; seq++) a.push(seq, "x".repeat(5));
  budget.join(a);
  assert.equal(a.chars, 40, "alone: all of it");
  budget.join(b);
  assert.equal(a.chars, 20, "two: half each, trimmed now");
  for (let seq = 1; seq <= 10; seq++) b.push(seq, "y".repeat(5));
  assert.equal(b.chars, 20);
  budget.leave(b);
  for (let seq = 11; seq <= 20; seq++) a.push(seq, "x".repeat(5));
  assert.equal(a.chars, 40);
  const unlimited = new TextRing(3);
  new TextBudget().join(unlimited);
  for (let seq = 1; seq <= 5; seq++) unlimited.push(seq, "z".repeat(1_000));
  assert.equal(unlimited.size, 3, "no budget: the count alone");
});
