import assert from "node:assert/strict";
import { type SeriesPoint, TickSeries } from "./tick_series.ts";

function point(seq: number, ts = seq * 1_000, price = 100 + seq): SeriesPoint {
  return { seq, ts, price, velocity: 0, change: 0 };
}

Deno.test("TickSeries - ignores duplicate and out-of-order ticks by seq", () => {
  const series = new TickSeries();
  assert.equal(series.append(point(1)), true);
  assert.equal(series.append(point(2)), true);
  assert.equal(series.append(point(2)), false);
  assert.equal(series.append(point(1)), false);
  assert.equal(series.append(point(5)), true);
  assert.deepEqual(series.points.map((p) => p.seq), [1, 2, 5]);
  assert.equal(series.lastSeq, 5);
});

Deno.test("TickSeries - rejects non-finite prices", () => {
  const series = new TickSeries();
  assert.equal(series.append(point(1, 0, NaN)), false);
  assert.equal(series.points.length, 0);
});

Deno.test("TickSeries - trims points older than the retention behind the newest", () => {
  const series = new TickSeries({ retainMs: 10_000 });
  for (let seq = 1; seq <= 30; seq++) series.append(point(seq));
  assert.equal(series.points[0].seq, 20);
  assert.equal(series.points.at(-1)!.seq, 30);
});

Deno.test("TickSeries - bounds the number of points", () => {
  const series = new TickSeries({ maxPoints: 5 });
  for (let seq = 1; seq <= 12; seq++) series.append(point(seq, 0));
  assert.deepEqual(series.points.map((p) => p.seq), [8, 9, 10, 11, 12]);
});

Deno.test("TickSeries - merges history around existing points without duplicates", () => {
  const series = new TickSeries();
  series.append(point(10));
  assert.equal(series.merge([point(8), point(9), point(10), point(7)]), 3);
  assert.deepEqual(series.points.map((p) => p.seq), [7, 8, 9, 10]);
  assert.equal(series.merge([point(9)]), 0);
  series.append(point(11));
  assert.equal(series.lastSeq, 11);
  series.clear();
  assert.equal(series.lastSeq, 0);
});

Deno.test("TickSeries - refuses nonsensical options", () => {
  assert.throws(
    () => new TickSeries({ retainMs: 0 }),
    /retainMs must be positive, got 0/,
  );
  assert.throws(
    () => new TickSeries({ maxPoints: 1 }),
    /maxPoints must be at least 2, got 1/,
  );
});
