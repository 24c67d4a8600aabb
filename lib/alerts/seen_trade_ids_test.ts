import assert from "node:assert/strict";
import { SeenTradeIds } from "./seen_trade_ids.ts";

Deno.test("SeenTradeIds - a trade id is new once per symbol", () => {
  const seen = new SeenTradeIds();
  assert.equal(seen.add("BTC-USDT", "1"), true);
  assert.equal(seen.add("BTC-USDT", "1"), false);
  assert.equal(seen.add("ETH-USDT", "1"), true);
});

Deno.test("SeenTradeIds - the window forgets the oldest beyond its capacity", () => {
  const seen = new SeenTradeIds({ capacity: 2 });
  seen.add("S", "a");
  seen.add("S", "b");
  seen.add("S", "c");
  assert.equal(seen.size, 2);
  assert.deepEqual(seen.toArray(), ["S:b", "S:c"]);
  assert.equal(seen.add("S", "a"), true);
  assert.equal(seen.add("S", "c"), false);
});

Deno.test("SeenTradeIds - restore round-trips the window in order", () => {
  const seen = new SeenTradeIds({ capacity: 3 });
  for (const id of ["1", "2", "3", "4"]) seen.add("S", id);
  const copy = new SeenTradeIds({ capacity: 3 });
  copy.restore(seen.toArray());
  assert.deepEqual(copy.toArray(), ["S:2", "S:3", "S:4"]);
  assert.equal(copy.add("S", "4"), false);
});

Deno.test("SeenTradeIds - a bad capacity is a RangeError naming it", () => {
  assert.throws(() => new SeenTradeIds({ capacity: 0 }), /capacity/);
});
