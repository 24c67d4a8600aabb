import assert from "node:assert/strict";
import {
  buildChartModel,
  type ChartLayout,
  decimate,
  nearestPoint,
  niceStep,
  timeStep,
} from "./chart_geometry.ts";
import type { SeriesPoint } from "./tick_series.ts";

const LAYOUT: ChartLayout = {
  width: 110,
  height: 120,
  padLeft: 10,
  padRight: 0,
  padTop: 10,
  padBottom: 10,
  velocityHeight: 0,
  gap: 0,
};

function p(seq: number, ts: number, price: number, velocity = 0): SeriesPoint {
  return { seq, ts, price, velocity, change: 0 };
}

Deno.test("buildChartModel - x is scaled by time, not by index", () => {
  // Three points: two close together, one 80 s later. Index scaling would
  // space them evenly; time scaling puts the first two side by side.
  const model = buildChartModel(
    [p(1, 0, 100), p(2, 20_000, 100), p(3, 100_000, 110)],
    { windowMs: 100_000, layout: LAYOUT },
  );
  assert.deepEqual(model.plotted.map((q) => q.x), [10, 30, 110]);
  assert.ok(model.line.startsWith("M10 "));
  assert.equal(model.start, 0);
  assert.equal(model.end, 100_000);
});

Deno.test("buildChartModel - y maps the price range into the plot, padded, higher is up", () => {
  const model = buildChartModel(
    [p(1, 0, 100), p(2, 50_000, 110)],
    { windowMs: 50_000, layout: LAYOUT },
  );
  const [a, b] = model.plotted;
  assert.ok(b.y < a.y, "higher price is drawn higher");
  assert.ok(a.y < 110 && a.y > 100, "padding keeps the low off the floor");
  assert.ok(b.y > 10 && b.y < 20, "padding keeps the high off the top");
  assert.equal(model.high?.point.seq, 2);
  assert.equal(model.low?.point.seq, 1);
  assert.equal(model.delta, 10);
  assert.equal(model.deltaPercent, 10);
  assert.match(model.area, /Z$/);
  assert.ok(model.area.startsWith(model.line));
});

Deno.test("buildChartModel - history shorter than the window fills the width", () => {
  const model = buildChartModel(
    [p(1, 40_000, 100), p(2, 50_000, 101), p(3, 60_000, 102)],
    { windowMs: 300_000, layout: LAYOUT },
  );
  assert.equal(model.span, 20_000);
  assert.deepEqual(model.plotted.map((q) => q.x), [10, 60, 110]);
});

Deno.test("buildChartModel - points older than the window are trimmed", () => {
  const points = Array.from(
    { length: 10 },
    (_, i) => p(i + 1, i * 10_000, 100 + i),
  );
  const model = buildChartModel(points, { windowMs: 30_000, layout: LAYOUT });
  assert.deepEqual(model.plotted.map((q) => q.point.seq), [7, 8, 9, 10]);
  assert.equal(model.first?.seq, 7);
  assert.equal(model.delta, 3);
});

Deno.test("buildChartModel - fewer than two points is not drawable; a flat line still is", () => {
  assert.equal(buildChartModel([], { windowMs: 60_000 }).drawable, false);
  assert.equal(
    buildChartModel([p(1, 0, 5)], { windowMs: 60_000 }).drawable,
    false,
  );
  const flat = buildChartModel([p(1, 0, 5), p(2, 1_000, 5)], {
    windowMs: 60_000,
    layout: LAYOUT,
  });
  assert.equal(flat.drawable, true);
  assert.ok(flat.plotted.every((q) => Number.isFinite(q.y)));
  assert.throws(
    () => buildChartModel([], { windowMs: 0 }),
    /windowMs must be positive, got 0/,
  );
});

Deno.test("buildChartModel - axis ticks are round values and UTC clock times", () => {
  const start = Date.UTC(2026, 0, 1, 12, 0, 0);
  const points = Array.from(
    { length: 61 },
    (_, i) => p(i + 1, start + i * 1_000, 100 + i / 10),
  );
  const model = buildChartModel(points, { windowMs: 60_000, layout: LAYOUT });
  assert.deepEqual(model.xTicks.map((t) => t.label), [
    "12:00:00",
    "12:00:10",
    "12:00:20",
    "12:00:30",
    "12:00:40",
    "12:00:50",
    "12:01:00",
  ]);
  assert.deepEqual(model.yTicks.map((t) => t.label), [
    "100",
    "102",
    "104",
    "106",
  ]);
  assert.ok(model.yTicks[0].at > model.yTicks[3].at, "higher values higher up");
});

Deno.test("buildChartModel - velocity bars go up for positive and down for negative", () => {
  const layout = { ...LAYOUT, velocityHeight: 40, gap: 5 };
  const model = buildChartModel(
    [p(1, 0, 100, 0.5), p(2, 50_000, 101, -0.25), p(3, 100_000, 102, 0)],
    { windowMs: 100_000, layout },
  );
  assert.equal(model.velocityMax, 0.5);
  assert.equal((model.velocityUp.match(/M/g) ?? []).length, 1);
  assert.equal((model.velocityDown.match(/M/g) ?? []).length, 1);
  assert.ok(model.plot.bottom < model.velocityZero);
});

Deno.test("decimate - bounds points per column but keeps extremes", () => {
  const points = Array.from(
    { length: 1_000 },
    (_, i) => p(i + 1, i, i === 500 ? 999 : 1),
  );
  const out = decimate(points, 0, 1_000, 10);
  assert.ok(out.length <= 40, String(out.length));
  assert.ok(out.some((q) => q.price === 999), "the spike survives");
  for (let i = 1; i < out.length; i++) assert.ok(out[i].ts > out[i - 1].ts);
  assert.equal(decimate(points.slice(0, 5), 0, 5, 10).length, 5);
});

Deno.test("niceStep and timeStep - round steps", () => {
  assert.equal(niceStep(10, 4), 5);
  assert.equal(niceStep(0.0013, 4), 0.0005);
  assert.equal(niceStep(0, 4), 1);
  assert.equal(timeStep(60_000, 6), 10_000);
  assert.equal(timeStep(300_000, 6), 60_000);
  assert.equal(timeStep(900_000, 6), 300_000);
});

Deno.test("nearestPoint - finds the closest drawn point by x", () => {
  const plotted = [0, 10, 30].map((x, i) => ({
    x,
    y: 0,
    point: p(i + 1, x, 1),
  }));
  assert.equal(nearestPoint(plotted, 4)?.x, 0);
  assert.equal(nearestPoint(plotted, 6)?.x, 10);
  assert.equal(nearestPoint(plotted, 100)?.x, 30);
  assert.equal(nearestPoint(plotted, -5)?.x, 0);
  assert.equal(nearestPoint([], 3), undefined);
});
