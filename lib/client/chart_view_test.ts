import assert from "node:assert/strict";
import {
  clampView,
  FOLLOW_MARGIN,
  MIN_VIEW_BARS,
  panView,
  resolveView,
  type ViewBounds,
  viewOldest,
  wheelFactor,
  windowView,
  zoomView,
} from "./chart_view.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// A day of 1 m bars ending at 24 h; the window is an hour.
const BOUNDS: ViewBounds = {
  first: 0,
  last: 24 * HOUR,
  intervalMs: MINUTE,
  windowMs: HOUR,
};

Deno.test("resolveView - following puts the newest bar just inside the right edge", () => {
  const range = resolveView({ span: HOUR, end: null }, BOUNDS);
  assert.equal(range.end, 24 * HOUR + HOUR * FOLLOW_MARGIN);
  assert.equal(range.end - range.start, HOUR);
});

Deno.test("zoomView - keeps the time under the anchor in place", () => {
  const view = { span: HOUR, end: 12 * HOUR };
  const zoomed = zoomView(view, BOUNDS, 0.5, 0.25);
  const before = resolveView(view, BOUNDS);
  const after = resolveView(zoomed, BOUNDS);
  const anchorBefore = before.start + 0.25 * (before.end - before.start);
  const anchorAfter = after.start + 0.25 * (after.end - after.start);
  assert.equal(zoomed.span, HOUR / 2);
  assert.equal(anchorAfter, anchorBefore);
});

Deno.test("zoomView - stays between a dozen bars and everything loaded", () => {
  const view = { span: HOUR, end: null };
  assert.equal(zoomView(view, BOUNDS, 0.0001, 1).span, MIN_VIEW_BARS * MINUTE);
  assert.equal(zoomView(view, BOUNDS, 1_000, 1).span, 24 * HOUR);
  assert.equal(zoomView(view, BOUNDS, NaN, 1), view);
  // With little loaded, zooming out still reaches the window.
  const short = { ...BOUNDS, first: 23.9 * HOUR };
  assert.equal(zoomView(view, short, 1_000, 1).span, HOUR);
});

Deno.test("zoomView - zooming while following keeps following", () => {
  assert.deepEqual(zoomView({ span: HOUR, end: null }, BOUNDS, 0.5, 0.1), {
    span: HOUR / 2,
    end: null,
  });
});

Deno.test("panView - moves by a share of the span and stops at the data", () => {
  const back = panView({ span: HOUR, end: null }, BOUNDS, -0.5);
  assert.equal(back.end, 24 * HOUR + HOUR * FOLLOW_MARGIN - HOUR / 2);
  const far = panView(back, BOUNDS, -1_000);
  assert.equal(far.end, HOUR * 0.2, "a fifth of the view keeps showing data");
  assert.deepEqual(
    panView(back, BOUNDS, 10),
    { span: HOUR, end: null },
    "back to live",
  );
});

Deno.test("clampView - an end at the newest bar resumes following", () => {
  assert.deepEqual(
    clampView(
      { span: HOUR, end: 24 * HOUR + HOUR * FOLLOW_MARGIN - 1_000 },
      BOUNDS,
    ),
    { span: HOUR, end: null },
  );
});

Deno.test("viewOldest - jumps to the start of the data", () => {
  const view = viewOldest({ span: HOUR, end: null }, BOUNDS);
  assert.equal(resolveView(view, BOUNDS).start, 0);
});

Deno.test("wheelFactor - a notch zooms about 10 %, down zooms out, lines and pages are scaled", () => {
  assert.ok(Math.abs(wheelFactor(100) - 1.105) < 0.001);
  assert.ok(wheelFactor(-100) < 1);
  assert.equal(wheelFactor(3, 1), wheelFactor(48));
  assert.equal(wheelFactor(100_000), wheelFactor(400), "bounded");
});

Deno.test("windowView - a window's whole span of bars fits left of the follow margin", () => {
  const view = windowView(HOUR);
  const range = resolveView(view, { ...BOUNDS, windowMs: view.span });
  assert.ok(Math.abs(BOUNDS.last - range.start - HOUR) < 1e-6);
});
