import assert from "node:assert/strict";
import { type MinuteBar, PriceWindow, WINDOW_MINUTES } from "./price_window.ts";

const flatDay = (price: number): MinuteBar[] =>
  Array.from(
    { length: WINDOW_MINUTES - 1 },
    () => ({ open: price, high: price, low: price }),
  );

Deno.test("PriceWindow - high and low cover the history and the latest price", () => {
  const history = flatDay(100);
  history[10] = { open: 100, high: 130, low: 90 };
  const window = new PriceWindow(0, 100, history);
  assert.equal(window.high, 130);
  assert.equal(window.low, 90);
  window.update(0, 140);
  assert.equal(window.high, 140);
  window.update(0, 80);
  assert.equal(window.low, 80);
  assert.equal(window.high, 140);
});

Deno.test("PriceWindow - the open 24 h ago rolls forward minute by minute", () => {
  const history = flatDay(100).map((bar, i) => ({ ...bar, open: 1 + i }));
  const window = new PriceWindow(0, 100, history);
  assert.equal(window.openPrice, 1);
  window.update(1, 100);
  assert.equal(window.openPrice, 2);
  window.update(3, 100);
  assert.equal(window.openPrice, 4);
});

Deno.test("PriceWindow - extremes older than a day drop out", () => {
  const history = flatDay(100);
  history[0] = { open: 100, high: 500, low: 1 };
  const window = new PriceWindow(0, 100, history);
  assert.equal(window.high, 500);
  window.update(1, 100);
  assert.equal(window.high, 100);
  assert.equal(window.low, 100);
});

Deno.test("PriceWindow - a gap longer than a day leaves only the latest price", () => {
  const history = flatDay(100);
  history[5] = { open: 100, high: 300, low: 50 };
  const window = new PriceWindow(0, 100, history);
  window.update(10 * WINDOW_MINUTES, 120);
  assert.equal(window.high, 120);
  assert.equal(window.low, 120);
  assert.equal(window.openPrice, 120);
});

Deno.test("PriceWindow - a short history reports its oldest open", () => {
  const window = new PriceWindow(100, 10, [
    { open: 8, high: 9, low: 7 },
    { open: 9, high: 10, low: 9 },
  ]);
  assert.equal(window.openPrice, 8);
  assert.equal(window.low, 7);
  assert.equal(new PriceWindow(0, 10, []).openPrice, 10);
});
