import assert from "node:assert/strict";
import type { Candle } from "../protocol/candles.ts";
import { aggregateCandles, groupCandles } from "./candle_aggregate.ts";
import { testBar } from "./test_utils.ts";

const bar = (t: number, o: number, h: number, l: number, c: number): Candle =>
  testBar(t, { o, h, l, c, v: 2, turnover: 10 });

Deno.test("aggregateCandles - open of the first, close of the last, extremes and sums", () => {
  const merged = aggregateCandles([
    bar(0, 10, 12, 9, 11),
    bar(1, 11, 15, 10, 14),
    bar(2, 14, 14, 8, 9),
  ], 0);
  assert.deepEqual(
    merged,
    testBar(0, { o: 10, h: 15, l: 8, c: 9, v: 6, turnover: 30 }),
  );
});

Deno.test("aggregateCandles - one estimated part makes the whole an estimate", () => {
  const merged = aggregateCandles([
    bar(0, 1, 1, 1, 1),
    { ...bar(1, 1, 1, 1, 1), volume_source: "turnover" },
  ], 0);
  assert.equal(merged.volume_source, "turnover");
  const { volume_source: _, ...backfilled } = bar(2, 1, 1, 1, 1);
  assert.equal(aggregateCandles([backfilled], 0).volume_source, "trades");
  assert.throws(() => aggregateCandles([], 0), RangeError);
});

Deno.test("groupCandles - groups by aligned slots; gaps stay gaps", () => {
  const bars = [0, 1, 2, 6, 7, 12].map((t) => bar(t * 1000, t, t, t, t));
  const grouped = groupCandles(bars, 5_000);
  assert.deepEqual(grouped.map((b) => [b.t, b.o, b.c, b.v]), [
    [0, 0, 2, 6],
    [5_000, 6, 7, 4],
    [10_000, 12, 12, 2],
  ]);
  assert.deepEqual(groupCandles([], 5_000), []);
});
