import assert from "node:assert/strict";
import { BarBuilder } from "./bar_builder.ts";

const T = 1_700_000_000_000;

Deno.test("BarBuilder - ticks and trades make one bar per second", () => {
  const builder = new BarBuilder();
  builder.observeTrade(T + 100, 100, 1, 100);
  builder.observeTick(T + 200, 102, 5_000);
  builder.observeTrade(T + 300, 99, 2, 198);
  builder.observeTrade(T + 1_100, 101, 1, 101);
  const closed = builder.closeBefore(T + 1_000);
  assert.deepEqual(closed, [{
    t: T,
    o: 100,
    h: 102,
    l: 99,
    c: 99,
    v: 3,
    turnover: 298,
    volume_source: "trades",
  }]);
  assert.deepEqual(builder.openBars().map((b) => b.t), [T + 1_000]);
});

Deno.test("BarBuilder - out-of-order trades within a bar keep open and close by time", () => {
  const builder = new BarBuilder();
  builder.observeTrade(T + 500, 105, 1, 105);
  builder.observeTrade(T + 100, 100, 1, 100);
  builder.observeTrade(T + 900, 110, 1, 110);
  builder.observeTrade(T + 700, 90, 1, 90);
  const [bar] = builder.closeBefore(T + 1_000);
  assert.deepEqual([bar.o, bar.h, bar.l, bar.c], [100, 110, 90, 110]);
});

Deno.test("BarBuilder - a trade for the previous second is taken while it is open", () => {
  const builder = new BarBuilder();
  builder.observeTick(T + 1_010, 100, 0);
  builder.observeTrade(T + 990, 99, 1, 99);
  assert.deepEqual(builder.openBars().map((b) => b.t), [T, T + 1_000]);
  const [first] = builder.closeBefore(T + 1_250);
  assert.equal(first.v, 1);
  assert.equal(builder.observeTrade(T + 995, 98, 1, 98), "late");
});

Deno.test("BarBuilder - without trades, volume is the growth of 24 h turnover", () => {
  const builder = new BarBuilder();
  builder.observeTick(T + 100, 100, 1_000_000);
  builder.observeTick(T + 1_100, 100, 1_000_500);
  builder.observeTick(T + 2_100, 100, 1_000_200); // 24 h sum fell: no volume
  const closed = builder.closeBefore(T + 3_000);
  assert.deepEqual(closed.map((b) => [b.turnover, b.v, b.volume_source]), [
    [0, 0, "turnover"],
    [500, 5, "turnover"],
    [0, 0, "turnover"],
  ]);
});

Deno.test("BarBuilder - while trades stream, turnover growth is not counted twice", () => {
  const builder = new BarBuilder({ tradeStreamMs: 10_000 });
  builder.observeTick(T, 100, 1_000);
  builder.observeTrade(T + 100, 100, 2, 200);
  builder.observeTick(T + 500, 100, 1_200);
  builder.observeTick(T + 20_000, 100, 1_500); // trades stopped: estimate again
  const closed = builder.closeBefore(T + 21_000);
  assert.deepEqual(closed.map((b) => [b.turnover, b.volume_source]), [
    [200, "turnover"],
    [0, "turnover"],
  ], "the first bar mixed an estimate in; the gap after 10 s is not counted");
  const streaming = new BarBuilder();
  streaming.observeTrade(T, 100, 1, 100);
  streaming.observeTick(T + 200, 100, 9_999);
  streaming.observeTick(T + 400, 100, 10_999);
  assert.deepEqual(
    streaming.closeBefore(T + 1_000).map((b) => [b.turnover, b.volume_source]),
    [[100, "trades"]],
  );
});

Deno.test("BarBuilder - gaps leave no bar; bad input is ignored", () => {
  const builder = new BarBuilder();
  builder.observeTick(T, 100, 0);
  builder.observeTick(T + 5_000, 101, 0);
  assert.equal(builder.observeTick(T + 6_000, NaN, 0), "ignored");
  assert.equal(builder.observeTrade(T + 6_000, 100, -1, 1), "ignored");
  assert.deepEqual(builder.closeBefore(T + 10_000).map((b) => b.t), [
    T,
    T + 5_000,
  ]);
});

Deno.test("BarBuilder - after a restart, data before the closed bars is late", () => {
  const builder = new BarBuilder({ closedThrough: T + 5_000 });
  assert.equal(builder.observeTick(T + 4_999, 100, 0), "late");
  assert.equal(builder.observeTick(T + 5_000, 100, 0), "open");
  assert.throws(() => new BarBuilder({ tradeStreamMs: 0 }), RangeError);
});
