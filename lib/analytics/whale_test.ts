import assert from "node:assert/strict";
import { isWhaleActivity, WhaleEdgeDetector } from "./whale.ts";

Deno.test("whale activity - above the boundary", () => {
  assert.equal(isWhaleActivity(50_000_001, 50_000_000), true);
  assert.equal(isWhaleActivity(243_765_620.65, 50_000_000), true);
});

Deno.test("whale activity - below the boundary", () => {
  assert.equal(isWhaleActivity(49_999_999.99, 50_000_000), false);
  assert.equal(isWhaleActivity(0, 50_000_000), false);
});

Deno.test("whale activity - exactly at the boundary counts as whale", () => {
  assert.equal(isWhaleActivity(50_000_000, 50_000_000), true);
});

Deno.test("whale activity - NaN or Infinity volume never matches", () => {
  assert.equal(isWhaleActivity(NaN, 1), false);
  assert.equal(isWhaleActivity(Infinity, 1), false);
});

Deno.test("whale activity - broken thresholds never match", () => {
  for (const threshold of [NaN, Infinity, -Infinity, 0, -1]) {
    assert.equal(isWhaleActivity(1e12, threshold), false, `${threshold}`);
  }
});

Deno.test("whale activity - negative volume is below any threshold", () => {
  assert.equal(isWhaleActivity(-5, 1), false);
});

Deno.test("whale edge - first observation only arms, even above", () => {
  const edges = new WhaleEdgeDetector();
  assert.equal(edges.observe("BTC-USDT", true), false);
  assert.equal(edges.observe("BTC-USDT", true), false);
});

Deno.test("whale edge - fires once on the rising edge, not while above", () => {
  const edges = new WhaleEdgeDetector();
  const seen = [false, true, true, true].map((w) =>
    edges.observe("BTC-USDT", w)
  );
  assert.deepEqual(seen, [false, true, false, false]);
});

Deno.test("whale edge - re-arms after falling below", () => {
  const edges = new WhaleEdgeDetector();
  const seen = [false, true, false, false, true, true].map((w) =>
    edges.observe("BTC-USDT", w)
  );
  assert.deepEqual(seen, [false, true, false, false, true, false]);
});

Deno.test("whale edge - symbols are independent", () => {
  const edges = new WhaleEdgeDetector();
  edges.observe("BTC-USDT", false);
  edges.observe("ETH-USDT", true);
  assert.equal(edges.observe("BTC-USDT", true), true);
  assert.equal(edges.observe("ETH-USDT", true), false);
});

Deno.test("whale edge - reset forgets the level so the next one only arms", () => {
  const edges = new WhaleEdgeDetector();
  edges.observe("BTC-USDT", false);
  edges.reset("BTC-USDT");
  assert.equal(edges.observe("BTC-USDT", true), false);
  assert.equal(edges.observe("BTC-USDT", false), false);
  assert.equal(edges.observe("BTC-USDT", true), true);
});
