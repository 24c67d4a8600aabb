import assert from "node:assert/strict";
import type { MarketTrade } from "../market/market_trade.ts";
import { TradeTape } from "./trade_tape.ts";

const trade = (symbol: string, i: number): MarketTrade => ({
  symbol,
  id: `t${i}`,
  time: 1_000 + i,
  price: 100,
  size: 0.5,
  notional: 50,
  side: i % 2 ? "Sell" : "Buy",
});

Deno.test("TradeTape - keeps the newest trades per symbol, newest last", () => {
  const tape = new TradeTape(["A", "B"], 3);
  tape.add([1, 2, 3, 4].map((i) => trade("A", i)));
  tape.add([trade("B", 9), trade("C", 1)]);
  assert.deepEqual(tape.recent("A").map((t) => t.id), ["t2", "t3", "t4"]);
  assert.deepEqual(tape.recent("A")[0], {
    id: "t2",
    ts: 1_002,
    side: "Buy",
    price: 100,
    size: 0.5,
    notional: 50,
  });
  assert.deepEqual(tape.recent("C"), []);
});

Deno.test("TradeTape - pending trades are handed out once per cycle, bounded", () => {
  const tape = new TradeTape(["A"], 2);
  tape.add([1, 2, 3].map((i) => trade("A", i)));
  const first = tape.takePending();
  assert.deepEqual(first.get("A")!.map((t) => t.id), ["t2", "t3"]);
  assert.equal(tape.takePending().size, 0);
  assert.throws(() => new TradeTape([], 0), RangeError);
});

Deno.test("TradeTape - a symbol tracked later keeps its trades; untracked, it has none and takes none", () => {
  const tape = new TradeTape(["A"], 2);
  tape.add([trade("N", 1)]);
  assert.deepEqual(tape.recent("N"), [], "not tracked yet");
  tape.track(["N", "A"]);
  tape.add([trade("A", 1), trade("N", 2), trade("N", 3), trade("N", 4)]);
  assert.deepEqual(tape.recent("N").map((t) => t.id), ["t3", "t4"]);
  assert.deepEqual(
    tape.recent("A").map((t) => t.id),
    ["t1"],
    "A kept as it was",
  );
  tape.takePending();
  tape.untrack(["N"]);
  tape.add([trade("N", 5)]);
  assert.deepEqual(tape.recent("N"), []);
  assert.equal(tape.takePending().size, 0);
});
