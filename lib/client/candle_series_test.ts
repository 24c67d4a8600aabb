import assert from "node:assert/strict";
import { candle } from "./test_utils.ts";
import { CandleSeries } from "./candle_series.ts";

const bar = candle;

Deno.test("CandleSeries - merges API answers by bar start, oldest first, de-duplicated", () => {
  const series = new CandleSeries({ intervalMs: 1_000 });
  series.merge([bar(2_000, 1, 2, 1, 2), bar(3_000, 2, 3, 2, 3)], 0, 3_500);
  series.merge([bar(1_000, 1, 1, 1, 1), bar(2_000, 1, 5, 1, 4)], 0, 3_500);
  assert.deepEqual(series.bars.map((b) => b.t), [1_000, 2_000, 3_000]);
  assert.equal(series.bars[1].h, 5, "a closed bar takes the API's answer");
});

Deno.test("CandleSeries - a tick moves the open bar, or opens the next one; late ticks are ignored", () => {
  const series = new CandleSeries({ intervalMs: 60_000 });
  series.merge([bar(0, 10, 12, 9, 11)], 0, 30_000);
  series.applyTick(40_000, 13, 1);
  assert.deepEqual(series.bars.at(-1), {
    ...bar(0, 10, 13, 9, 13),
    turnover: 11,
  });
  series.applyTick(125_000, 8, 2);
  assert.deepEqual(
    series.bars.map((b) => b.t),
    [0, 120_000],
    "a gap stays a gap",
  );
  assert.deepEqual(series.bars.at(-1), bar(120_000, 8, 8, 8, 8, 0));
  series.applyTick(70_000, 99, 3);
  assert.equal(series.bars.length, 2);
});

Deno.test("CandleSeries - an older API answer does not roll back a bar updated live since the request", () => {
  const series = new CandleSeries({ intervalMs: 60_000 });
  series.merge([bar(0, 10, 11, 9, 10, 4)], 0, 10_000);
  series.applyTick(30_000, 14, 500);
  // Requested at client time 100, answered after the tick (applied at 500).
  series.merge([bar(0, 10, 12, 8, 11, 6)], 100, 20_000);
  assert.deepEqual(series.bars[0], {
    ...bar(0, 10, 14, 8, 14, 6),
    turnover: 66,
  });
  // A request sent after the live update is the truth.
  series.merge([bar(0, 10, 15, 7, 12, 9)], 600, 40_000);
  assert.deepEqual(series.bars[0], bar(0, 10, 15, 7, 12, 9));
});

Deno.test("CandleSeries - 1 s frames fold into 1 m bars: prices exactly, volume on top of the API's", () => {
  const series = new CandleSeries({ intervalMs: 60_000 });
  series.merge([bar(60_000, 10, 11, 9, 10, 100)], 0, 90_000);
  const second = (
    t: number,
    o: number,
    h: number,
    l: number,
    c: number,
    v: number,
  ) => ({
    t,
    o,
    h,
    l,
    c,
    v,
  });
  // Before the answer's time: already counted in its volume.
  series.applyBar(second(85_000, 10, 10, 10, 10, 7), 1_000, 1);
  assert.equal(series.bars[0].v, 100);
  series.applyBar(second(90_000, 10, 12, 10, 12, 3), 1_000, 2);
  series.applyBar(second(90_000, 10, 13, 10, 13, 5), 1_000, 3);
  series.applyBar(second(91_000, 13, 13, 8, 9, 2), 1_000, 4);
  assert.deepEqual(series.bars[0], {
    t: 60_000,
    o: 10,
    h: 13,
    l: 8,
    c: 9,
    v: 107,
    turnover: 1000,
  });
  // The next minute starts from its first second.
  series.applyBar(second(120_000, 9, 9, 9, 9, 1), 1_000, 5);
  assert.deepEqual(series.bars.at(-1), {
    t: 120_000,
    o: 9,
    h: 9,
    l: 9,
    c: 9,
    v: 1,
    turnover: 0,
  });
});

Deno.test("CandleSeries - frames of its own interval replace the bar; coarser frames are ignored", () => {
  const series = new CandleSeries({ intervalMs: 1_000 });
  series.applyTick(5_200, 10, 1);
  series.applyBar({ t: 5_000, o: 9, h: 10, l: 8, c: 9.5, v: 3 }, 1_000, 2);
  assert.deepEqual(series.bars[0], {
    t: 5_000,
    o: 9,
    h: 10,
    l: 8,
    c: 9.5,
    v: 3,
    turnover: 0,
  });
  series.applyBar({ t: 0, o: 1, h: 1, l: 1, c: 1, v: 1 }, 60_000, 3);
  assert.equal(series.bars.length, 1);
  series.applyBar({ t: 3_000, o: 1, h: 1, l: 1, c: 1, v: 1 }, 1_000, 4);
  assert.deepEqual(
    series.bars.map((b) => b.t),
    [3_000, 5_000],
    "a late closed bar is inserted",
  );
});

Deno.test("CandleSeries - is bounded and rejects broken bars", () => {
  const series = new CandleSeries({ intervalMs: 1_000, maxBars: 3 });
  for (let t = 0; t < 5_000; t += 1_000) series.applyTick(t, 1, t);
  assert.deepEqual(series.bars.map((b) => b.t), [2_000, 3_000, 4_000]);
  series.merge([bar(10_000, 1, 0, 2, 1), bar(11_000, NaN, 1, 1, 1)], 0, 0);
  assert.equal(series.bars.length, 3);
  assert.throws(() => new CandleSeries({ intervalMs: 0 }), RangeError);
});

Deno.test("CandleSeries - settledVersion changes only when a bar other than the newest does", () => {
  const series = new CandleSeries({ intervalMs: 1_000 });
  series.applyTick(1_000, 5, 1);
  const opened = series.settledVersion;
  series.applyTick(1_500, 6, 2);
  series.applyBar({ t: 1_000, o: 5, h: 6, l: 5, c: 6, v: 1 }, 1_000, 3);
  assert.equal(series.settledVersion, opened, "the newest bar moved");
  series.applyTick(2_100, 7, 4);
  assert.notEqual(series.settledVersion, opened, "a new bar settles the last");
  const next = series.settledVersion;
  series.applyBar({ t: 1_000, o: 5, h: 9, l: 5, c: 6, v: 2 }, 1_000, 5);
  assert.notEqual(series.settledVersion, next, "a settled bar changed");
});
