import assert from "node:assert/strict";
import {
  AXIS_GLYPH_PX,
  axisPrice,
  MIN_PLOT_WIDTH_PX,
  niceStep,
  priceTicks,
  timeLabel,
  timeStep,
  timeTicks,
} from "./chart_axes.ts";

Deno.test("niceStep - 1, 2 or 5 times a power of ten", () => {
  assert.equal(niceStep(100, 5), 20);
  assert.equal(niceStep(0.0007, 5), 0.0002);
  assert.equal(niceStep(47, 5), 10);
  assert.equal(niceStep(0, 5), 1);
});

Deno.test("axisPrice - as many digits as the step needs", () => {
  assert.equal(axisPrice(60_010, 10), "60,010");
  assert.equal(axisPrice(3_000.5, 0.5), "3,000.5");
  assert.equal(axisPrice(0.00035, 0.00005), "0.00035");
});

Deno.test("priceTicks - round prices across the range; none under the last-price tag", () => {
  const toPct = (price: number) => (1 - (price - 100) / 100) * 76;
  const all = priceTicks(100, 200, toPct);
  assert.deepEqual(all.map((t) => t.label), [
    "100",
    "120",
    "140",
    "160",
    "180",
    "200",
  ]);
  const tag = toPct(141);
  const shown = priceTicks(100, 200, toPct, tag);
  assert.deepEqual(shown.map((t) => t.label), [
    "100",
    "120",
    "160",
    "180",
    "200",
  ]);
});

Deno.test("timeStep and timeLabel - round UTC steps, seconds only when needed, dates at midnight", () => {
  assert.equal(timeStep(60_000, 6), 10_000);
  assert.equal(timeStep(86_400_000, 6), 4 * 3_600_000);
  assert.equal(timeLabel(Date.UTC(2026, 10, 27, 8, 32, 15), 5_000), "08:32:15");
  assert.equal(timeLabel(Date.UTC(2026, 10, 27, 8, 30), 300_000), "08:30");
  assert.equal(timeLabel(Date.UTC(2026, 10, 27), 3_600_000), "27 Nov");
});

Deno.test("timeTicks - no label is cut off at the left edge of the narrowest chart", () => {
  const start = Date.UTC(2026, 10, 27, 8, 0, 0) - 500;
  const ticks = timeTicks(start, start + 60_000);
  for (const tick of ticks) {
    const halfPx = (tick.label.length * AXIS_GLYPH_PX) / 2;
    assert.ok((tick.pct / 100) * MIN_PLOT_WIDTH_PX >= halfPx, tick.label);
  }
  assert.ok(!ticks.some((t) => t.label === "08:00:00"), "0.8 % in: left out");
  assert.ok(ticks.length >= 4);
});

Deno.test("timeTicks - every other label is minor, by its time, so panning does not reshuffle", () => {
  const start = Date.UTC(2026, 10, 27, 8, 0, 0);
  const a = timeTicks(start, start + 60_000);
  const b = timeTicks(start + 10_000, start + 70_000);
  const minor = (ticks: typeof a, label: string) =>
    ticks.find((t) => t.label === label)?.minor;
  assert.equal(minor(a, "08:00:30"), minor(b, "08:00:30"));
  assert.notEqual(minor(a, "08:00:20"), minor(a, "08:00:30"));
});
