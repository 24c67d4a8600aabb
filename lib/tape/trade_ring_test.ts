import assert from "node:assert/strict";
import type { TapeTrade } from "../protocol/trades.ts";
import { TradeRing } from "./trade_ring.ts";

const trade = (i: number): TapeTrade => ({
  id: `t${i}`,
  ts: 1_700_000_000_000 + i,
  side: i % 2 ? "Sell" : "Buy",
  price: 100 + i / 8,
  size: 0.25 * i,
  notional: (100 + i / 8) * 0.25 * i,
});

Deno.test("TradeRing - gives back every field of the trades it holds, oldest first", () => {
  const ring = new TradeRing(4);
  assert.deepEqual(ring.slice(), [], "empty before the first trade");
  const trades = [1, 2, 3].map(trade);
  for (const t of trades) ring.push(t);
  assert.equal(ring.size, 3);
  assert.deepEqual(ring.slice(), trades);
});

Deno.test("TradeRing - drops its oldest when full, across several turns", () => {
  const ring = new TradeRing(3);
  for (let i = 1; i <= 8; i++) ring.push(trade(i));
  assert.equal(ring.size, 3);
  assert.deepEqual(ring.slice(), [6, 7, 8].map(trade));
  const one = new TradeRing(1);
  one.push(trade(1));
  one.push(trade(2));
  assert.deepEqual(one.slice(), [trade(2)]);
});

Deno.test("TradeRing - refuses a capacity that is not a positive integer", () => {
  for (const capacity of [0, -1, 1.5, NaN]) {
    assert.throws(() => new TradeRing(capacity), RangeError);
  }
});
