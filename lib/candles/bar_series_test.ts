import assert from "node:assert/strict";
import type { Candle } from "../protocol/candles.ts";
import { BarSeries, BYTES_PER_BAR } from "./bar_series.ts";

const bar = (t: number, c = t): Candle => ({
  t,
  o: c,
  h: c + 1,
  l: c - 1,
  c,
  v: 1,
  turnover: c,
  volume_source: "trades",
});

const times = (series: BarSeries) =>
  Array.from({ length: series.size }, (_, i) => series.timeAt(i));

Deno.test("BarSeries - appends in order and reads bars back whole", () => {
  const series = new BarSeries(4);
  assert.equal(series.put(bar(1)), "appended");
  assert.equal(series.put(bar(2)), "appended");
  assert.deepEqual(series.at(1), bar(2));
  assert.equal(series.firstTime, 1);
  assert.equal(series.lastTime, 2);
  const { volume_source: _, ...bare } = bar(3);
  series.put(bare);
  assert.deepEqual(series.at(2), bare, "no source stays no source");
});

Deno.test("BarSeries - a full ring drops its oldest bar", () => {
  const series = new BarSeries(3);
  for (const t of [1, 2, 3, 4, 5]) series.put(bar(t));
  assert.deepEqual(times(series), [3, 4, 5]);
  assert.equal(series.put(bar(2)), "dropped", "older than all kept");
  assert.equal(series.put(bar(3.5)), "inserted");
  assert.deepEqual(times(series), [3.5, 4, 5]);
});

Deno.test("BarSeries - completeFrom says from when on the series holds every bar: set by a load, raised by each bar the ring drops", () => {
  const series = new BarSeries(3);
  assert.equal(series.completeFrom, -Infinity, "a new series holds them all");
  series.loadedFrom(10);
  assert.equal(series.completeFrom, 10);
  series.loadedFrom(5);
  assert.equal(series.completeFrom, 10, "never moves back");
  for (const t of [10, 20, 30]) series.put(bar(t));
  assert.equal(series.completeFrom, 10, "nothing dropped yet");
  series.put(bar(40));
  assert.equal(
    series.completeFrom,
    11,
    "bar 10 left: only later ones are sure",
  );
  assert.equal(series.dropBefore(35), 2);
  assert.equal(series.completeFrom, 31);
});

Deno.test("BarSeries - loadedBack moves completeFrom back once the older bars are held", () => {
  const series = new BarSeries(5);
  series.loadedFrom(30);
  for (const t of [30, 40]) series.put(bar(t));
  for (const t of [20, 10]) series.put(bar(t));
  series.loadedBack(5, 30, 10);
  assert.equal(series.completeFrom, 5, "every bar of [5, 30) is held");
  series.loadedBack(0, 30);
  assert.equal(series.completeFrom, 0, "an empty read completes its span");
});

Deno.test("BarSeries - loadedBack stops at the oldest bar kept when the ring was full, and changes nothing once it dropped one", () => {
  const full = new BarSeries(3);
  full.loadedFrom(30);
  for (const t of [30, 40]) full.put(bar(t));
  for (const t of [20, 10]) full.put(bar(t));
  full.loadedBack(5, 30, 10);
  assert.equal(full.completeFrom, 20, "bar 10 did not fit");
  const dropped = new BarSeries(3);
  dropped.loadedFrom(30);
  for (const t of [30, 40, 50, 60]) dropped.put(bar(t));
  dropped.loadedBack(0, 30);
  assert.equal(dropped.completeFrom, 31, "bar 30 left since");
});

Deno.test("BarSeries - a bar from the past is inserted in order, an equal start replaced", () => {
  const series = new BarSeries(10);
  for (const t of [10, 20, 40]) series.put(bar(t));
  assert.equal(series.put(bar(30)), "inserted");
  assert.equal(series.put(bar(5)), "inserted");
  assert.equal(series.put(bar(20, 99)), "replaced");
  assert.deepEqual(times(series), [5, 10, 20, 30, 40]);
  assert.equal(series.at(2).c, 99);
});

Deno.test("BarSeries - range, lowerBound and has across the ring's wrap", () => {
  const series = new BarSeries(4);
  for (const t of [1, 2, 3, 4, 5, 6]) series.put(bar(t));
  assert.deepEqual(series.range(4, 6).map((b) => b.t), [4, 5]);
  assert.deepEqual(series.range(0, 100).map((b) => b.t), [3, 4, 5, 6]);
  assert.equal(series.lowerBound(4.5), 2);
  assert.equal(series.has(5), true);
  assert.equal(series.has(2), false);
});

Deno.test("BarSeries - dropBefore trims the horizon", () => {
  const series = new BarSeries(5);
  for (const t of [1, 2, 3, 4]) series.put(bar(t));
  assert.equal(series.dropBefore(3), 2);
  assert.deepEqual(times(series), [3, 4]);
});

Deno.test("BarSeries - 57 bytes a bar; bad capacities refused", () => {
  assert.equal(BYTES_PER_BAR, 57);
  assert.throws(() => new BarSeries(0), RangeError);
  assert.throws(() => new BarSeries(1.5), /capacity/);
  assert.throws(() => new BarSeries(2).at(0), RangeError);
});

Deno.test("BarSeries - the columns grow as bars arrive (or are whole from the start), never past the capacity, and every answer matches a plain sorted list", () => {
  // A small deterministic generator, so a failure replays.
  let seed = 7;
  const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
  const cases = [1, 3, 64, 65, 200, 1_000].flatMap((capacity) => [
    { capacity, whole: false },
    { capacity, whole: true },
  ]);
  for (const { capacity: first, whole } of cases) {
    const series = new BarSeries(first, { whole });
    assert.equal(
      series.bytes,
      (whole ? first : Math.min(first, 64)) * BYTES_PER_BAR,
    );
    const model: Candle[] = [];
    let newest = 0;
    let capacity = first;
    for (let step = 0; step < 3_000; step++) {
      const roll = random();
      if (roll < 0.003) {
        // The memory window moves: between half and twice the first.
        capacity = Math.max(1, Math.round(first * (0.5 + random() * 1.5)));
        series.setCapacity(capacity);
        while (model.length > capacity) model.shift();
        continue;
      }
      if (roll < 0.01) {
        const cut = newest - Math.floor(random() * capacity);
        series.dropBefore(cut);
        while (model.length > 0 && model[0].t < cut) model.shift();
        continue;
      }
      // Mostly the next bar; sometimes one from the past, or a replacement.
      const t = roll < 0.8 ? ++newest : newest - Math.floor(random() * 50);
      const put = bar(t, t + step);
      const at = model.findIndex((b) => b.t >= t);
      if (at >= 0 && model[at].t === t) model[at] = put;
      else if (model.length === capacity && at === 0) {
        // Older than everything a full ring keeps: dropped.
      } else {
        model.splice(at < 0 ? model.length : at, 0, put);
        if (model.length > capacity) model.shift();
      }
      series.put(put);
      if (whole) assert.equal(series.bytes, capacity * BYTES_PER_BAR);
      else assert.ok(series.bytes <= capacity * BYTES_PER_BAR);
    }
    assert.deepEqual(
      times(series),
      model.map((b) => b.t),
      `capacity ${first}${whole ? " whole" : ""}`,
    );
    assert.deepEqual(
      series.range(-Infinity, Infinity),
      model,
      `capacity ${first}${whole ? " whole" : ""}`,
    );
  }
  const grown = new BarSeries(1_000);
  for (let t = 0; t < 100; t++) grown.put(bar(t));
  assert.equal(grown.bytes, 128 * BYTES_PER_BAR, "64, then doubled once");
});

Deno.test("BarSeries - setCapacity keeps the newest bars in order, drops the oldest past it and gives back the room", () => {
  const series = new BarSeries(5);
  for (let t = 1; t <= 8; t++) series.put(bar(t)); // wrapped: 4..8 kept
  assert.deepEqual(times(series), [4, 5, 6, 7, 8]);
  series.setCapacity(3);
  assert.deepEqual(times(series), [6, 7, 8]);
  assert.equal(series.completeFrom, 6, "the dropped ones are the store's now");
  assert.equal(series.bytes, 3 * BYTES_PER_BAR);
  series.setCapacity(10);
  assert.equal(series.bytes, 3 * BYTES_PER_BAR, "grows as bars come");
  for (let t = 9; t <= 20; t++) series.put(bar(t));
  assert.deepEqual(times(series), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  assert.equal(series.bytes, 10 * BYTES_PER_BAR);
  assert.throws(() => series.setCapacity(0), /capacity/);

  const whole = new BarSeries(4, { whole: true });
  for (let t = 1; t <= 6; t++) whole.put(bar(t));
  whole.setCapacity(6);
  assert.equal(whole.bytes, 6 * BYTES_PER_BAR);
  assert.deepEqual(times(whole), [3, 4, 5, 6]);
  whole.put(bar(7));
  whole.put(bar(8));
  whole.put(bar(9));
  assert.deepEqual(times(whole), [4, 5, 6, 7, 8, 9]);
});
