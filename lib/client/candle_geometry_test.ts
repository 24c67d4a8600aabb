import assert from "node:assert/strict";
import { candle } from "./test_utils.ts";
import {
  barAt,
  type BarPaths,
  buildCandleChart,
  candleChartCache,
  type CandleChartModel,
  isGap,
  PRICE_PANE_PCT,
  priceRange,
} from "./candle_geometry.ts";
import { outageBands } from "./outages.ts";

const bar = candle;

/** A path of the settled bars and the newest bar together. */
function all(model: CandleChartModel, key: keyof BarPaths): string {
  return model.settled[key] + model.live[key];
}

/** Path commands as [letter, numbers] pairs. */
function commands(d: string): [string, number[]][] {
  return [...d.matchAll(/([MLHVhvZ])([^MLHVhvZ]*)/g)].map((
    m,
  ) => [m[1], m[2].trim() ? m[2].trim().split(/[ ,]+/).map(Number) : []]);
}

Deno.test("buildCandleChart - x is time: each bar sits in its slot, and a missing bar leaves its slot empty", () => {
  // Bars at 0, 10 and 30 s (20 s missing) in a 40 s view of 10 s bars.
  const model = buildCandleChart({
    bars: [
      bar(0, 1, 2, 1, 2),
      bar(10_000, 2, 3, 2, 3),
      bar(30_000, 3, 3, 1, 1),
    ],
    intervalMs: 10_000,
    start: 0,
    end: 40_000,
  });
  assert.equal(model.count, 3);
  // Wicks at slot centres: 125, 375 and 875 of 1000 units.
  const wickXs = commands(all(model, "wicksUp") + all(model, "wicksDown"))
    .filter(([c]) => c === "M")
    .map(([, n]) => n[0])
    .sort((a, b) => a - b);
  assert.deepEqual(wickXs, [125, 375, 875]);
  // Bodies are 70 % of the 250-unit slot, centred.
  const [[, start], [, width]] = commands(model.settled.bodiesUp);
  assert.equal(start[0], 37.5);
  assert.equal(width[0], 175);
});

Deno.test("buildCandleChart - y fits the visible highs and lows, higher is up, with room around them", () => {
  const model = buildCandleChart({
    bars: [bar(0, 100, 110, 90, 105), bar(1_000, 105, 120, 100, 100)],
    intervalMs: 1_000,
    start: 0,
    end: 2_000,
  });
  assert.deepEqual([model.lo, model.hi], priceRange([bar(0, 0, 120, 90, 0)]));
  assert.ok(model.lo < 90 && model.hi > 120);
  const [up] = commands(all(model, "wicksUp"));
  const [down] = commands(all(model, "wicksDown"));
  assert.ok(down[1][1] < up[1][1], "the 120 high is drawn above the 110 high");
  assert.equal(model.last?.price, 100);
  assert.equal(model.last?.up, false);
  assert.ok(model.last!.pct > 0 && model.last!.pct < PRICE_PANE_PCT);
});

Deno.test("buildCandleChart - only bars in view are drawn and counted", () => {
  const bars = Array.from(
    { length: 100 },
    (_, i) => bar(i * 1_000, 1, 2, 1, 2),
  );
  const model = buildCandleChart({
    bars,
    intervalMs: 1_000,
    start: 50_000,
    end: 60_000,
  });
  assert.equal(model.count, 10);
  assert.equal(model.firstIndex, 50);
  // A bar that started before the view but reaches into it is drawn too.
  assert.equal(
    buildCandleChart({ bars, intervalMs: 1_000, start: 50_500, end: 60_000 })
      .count,
    10,
  );
});

Deno.test("buildCandleChart - the line breaks at missing bars and across outages, never across them", () => {
  const bars = [
    bar(0, 1, 1, 1, 1),
    bar(1_000, 1, 1, 1, 1),
    bar(2_000, 1, 1, 1, 1),
    // 8 s without bars: an outage
    bar(10_000, 1, 9, 1, 9),
    bar(11_000, 9, 9, 9, 9),
    bar(12_000, 9, 9, 9, 9),
  ];
  const plain = buildCandleChart({
    bars,
    intervalMs: 1_000,
    start: 0,
    end: 13_000,
  });
  assert.deepEqual(commands(plain.settled.line).map(([c]) => c), [
    "M",
    "L",
    "L",
    "M",
    "L",
  ]);
  // The newest bar's segment starts where the settled line ends.
  assert.deepEqual(commands(plain.live.line).map(([c]) => c), ["M", "L"]);
  // A reported outage between bars 11 and 12 s breaks the line there too.
  const bands = outageBands(
    [{ from: 11_600, to: 12_400, reason: "feed down" }],
    0,
  );
  const banded = buildCandleChart({
    bars,
    intervalMs: 1_000,
    start: 0,
    end: 13_000,
    bands,
  });
  assert.deepEqual(commands(banded.settled.line).map(([c]) => c), [
    "M",
    "L",
    "L",
    "M",
    "L",
  ]);
  assert.deepEqual(
    commands(banded.live.line).map(([c]) => c),
    ["M"],
    "not joined across the band",
  );
  assert.equal(banded.bands.length, 1);
  assert.ok(Math.abs(banded.bands[0].x - (11_600 / 13_000) * 100) < 1e-9);
});

Deno.test("isGap - a second without a tick in a thin market is not an outage", () => {
  const a = bar(0, 1, 1, 1, 1);
  assert.equal(isGap(a, bar(2_000, 1, 1, 1, 1), 1_000, []), false);
  assert.equal(isGap(a, bar(6_000, 1, 1, 1, 1), 1_000, []), true);
  assert.equal(isGap(a, bar(120_000, 1, 1, 1, 1), 60_000, []), false);
  assert.equal(isGap(a, bar(180_000, 1, 1, 1, 1), 60_000, []), true);
});

Deno.test("buildCandleChart - an open outage band reaches now and a short one is still visible", () => {
  const bands = outageBands([
    { from: 5_000, to: 5_010, reason: "blip" },
    { from: 8_000, to: null, reason: "down" },
  ], 10_000);
  const model = buildCandleChart({
    bars: [bar(0, 1, 1, 1, 1)],
    intervalMs: 1_000,
    start: 0,
    end: 10_000,
    bands,
  });
  assert.equal(model.bands[0].width, 0.4);
  assert.equal(model.bands[1].x + model.bands[1].width, 100);
  assert.equal(model.bands[1].band.open, true);
});

Deno.test("buildCandleChart - volume bars scale to the largest volume in view", () => {
  const model = buildCandleChart({
    bars: [bar(0, 1, 2, 1, 2, 10), bar(1_000, 2, 2, 1, 1, 5)],
    intervalMs: 1_000,
    start: 0,
    end: 2_000,
  });
  assert.equal(model.maxVolume, 10);
  const [[, up]] = commands(model.settled.volumeUp);
  const [[, down]] = commands(model.live.volumeDown);
  assert.equal(up[1], 0, "the largest reaches the top of its pane");
  assert.equal(down[1], 500);
});

Deno.test("buildCandleChart - price levels in range are placed; an empty view draws nothing", () => {
  const model = buildCandleChart({
    bars: [bar(0, 100, 110, 90, 105)],
    intervalMs: 1_000,
    start: 0,
    end: 1_000,
    levels: [{ price: 100, direction: "above" }, {
      price: 500,
      direction: "below",
    }],
  });
  assert.deepEqual(model.levels.map((l) => l.price), [100]);
  const empty = buildCandleChart({
    bars: [],
    intervalMs: 1_000,
    start: 0,
    end: 1_000,
  });
  assert.equal(empty.count, 0);
  assert.equal(empty.settled.line + empty.live.line, "");
  assert.deepEqual(empty.yTicks, []);
  assert.throws(
    () => buildCandleChart({ bars: [], intervalMs: 1_000, start: 5, end: 5 }),
    RangeError,
  );
});

Deno.test("barAt - the bar under a time, or the nearest close one", () => {
  const bars = [
    bar(0, 1, 1, 1, 1),
    bar(1_000, 2, 2, 2, 2),
    bar(5_000, 3, 3, 3, 3),
  ];
  assert.equal(barAt(bars, 1_500, 1_000)?.t, 1_000);
  assert.equal(barAt(bars, 2_100, 1_000)?.t, 1_000);
  assert.equal(barAt(bars, 3_500, 1_000), undefined, "inside a gap: none");
});

Deno.test("buildCandleChart - while only the newest bar moves, the settled bars' paths are reused as they are", () => {
  const bars = Array.from(
    { length: 100 },
    (_, i) => bar(i * 1_000, 10, 12, 8, 11),
  );
  const cache = candleChartCache();
  const input = {
    bars,
    intervalMs: 1_000,
    start: 0,
    end: 100_000,
    settledVersion: 1,
    cache,
  };
  const first = buildCandleChart(input);
  bars[99] = bar(99_000, 10, 12, 8, 9);
  const second = buildCandleChart(input);
  assert.equal(second.settled, first.settled, "the same strings, not rebuilt");
  assert.notEqual(second.live.bodiesDown, first.live.bodiesDown);
  // A new high moves every bar: nothing is reused.
  bars[99] = bar(99_000, 10, 20, 8, 19);
  assert.notEqual(buildCandleChart(input).settled, first.settled);
  // So does a change to a settled bar.
  const third = buildCandleChart({ ...input, settledVersion: 2 });
  assert.notEqual(third.settled, first.settled);
});
