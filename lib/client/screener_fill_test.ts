import assert from "node:assert/strict";
import { type Signal, signal } from "@preact/signals";
import type { ScreenerRow } from "./screener.ts";
import {
  fillOrder,
  PENDING,
  type RowView,
  ScreenerFill,
} from "./screener_fill.ts";
import { screenerRow } from "./test_utils.ts";

const row = (symbol: string, price = 1) => screenerRow(symbol, { price });

/** Live rows of `symbols`, a fill over them and its frames run by hand. */
function setup(symbols: readonly string[], rowsPerFrame = 2) {
  const live = new Map<string, Signal<ScreenerRow | undefined>>(
    symbols.map((symbol) => [symbol, signal(row(symbol))]),
  );
  const frames: (() => void)[] = [];
  const fill = new ScreenerFill((symbol) => live.get(symbol)!, {
    rowsPerFrame,
    schedule: (callback) => {
      frames.push(callback);
      return () => frames.splice(frames.indexOf(callback), 1);
    },
  });
  /** Runs the planned frame; false if none was planned. */
  const frame = () => {
    const next = frames.shift();
    next?.();
    return next !== undefined;
  };
  const shows = (slot: number): RowView => fill.view(slot).value;
  /** What each of `slots` shows, as {@linkcode label}s. */
  const labels = (...slots: number[]) =>
    slots.map((slot) => label(shows(slot)));
  return { live, fill, frames, frame, shows, labels };
}

const SYMBOLS = ["A", "B", "C", "D", "E", "F"];

Deno.test("fillOrder - rows in view top to bottom, then the overscan below, then above nearest first", () => {
  assert.deepEqual(fillOrder({ start: 6, end: 16 }, 8), [
    8,
    9,
    10,
    11,
    12,
    13,
    14,
    15,
    7,
    6,
  ]);
  assert.deepEqual(fillOrder({ start: 0, end: 4 }, 0), [0, 1, 2, 3]);
  // A first row outside the window (a stale reading) is clamped into it.
  assert.deepEqual(fillOrder({ start: 2, end: 4 }, 9), [3, 2]);
  assert.deepEqual(fillOrder({ start: 3, end: 3 }, 3), []);
});

/** The symbol (or state) slot `slot` shows. */
function label(view: RowView): string | undefined {
  return view === PENDING ? "pending" : view?.symbol;
}

Deno.test("ScreenerFill - rows scrolled in show a placeholder, then fill a budget per frame, most urgent first", () => {
  const { fill, frame, labels } = setup(SYMBOLS);
  fill.setWindow([[0, "A"], [1, "B"], [2, "C"], [3, "D"]], "query");
  const kept = fill.view(2);
  fill.setWindow([[2, "C"], [3, "D"], [0, "E"], [1, "F"]], "scroll");
  assert.equal(fill.view(2), kept, "a slot keeps its signal");
  assert.deepEqual(labels(0, 1, 2, 3), ["pending", "pending", "C", "D"]);
  assert.equal(fill.behind, 2);
  assert.ok(frame());
  assert.deepEqual(labels(0, 1), ["E", "F"]);
  assert.equal(fill.behind, 0);
  assert.equal(frame(), false, "no frame once every row is filled");
});

Deno.test("ScreenerFill - the budget and the order decide which rows fill in a frame", () => {
  const { fill, frame, shows, labels } = setup(SYMBOLS, 1);
  fill.setWindow([[1, "B"], [0, "A"]], "scroll");
  assert.ok(frame());
  assert.deepEqual(labels(0, 1), ["pending", "B"]);
  assert.ok(frame());
  assert.equal(label(shows(0)), "A");
});

Deno.test("ScreenerFill - a scroll before the fill is done drops the rows that left and fills the new ones", () => {
  const { fill, frame, frames, shows, labels } = setup(SYMBOLS);
  fill.setWindow([[0, "A"], [1, "B"], [2, "C"]], "scroll");
  assert.ok(frame());
  assert.equal(label(shows(0)), "A");
  assert.equal(label(shows(2)), "pending");
  fill.setWindow([[1, "D"], [3, "E"], [2, "C"]], "scroll");
  assert.equal(frames.length, 1, "still one frame planned");
  assert.ok(frame());
  assert.deepEqual(labels(1, 3, 2), ["D", "E", "pending"]);
  assert.ok(frame());
  assert.equal(label(shows(2)), "C");
  assert.equal(label(shows(0)), "pending", "slot 0 left the window");
  assert.equal(frame(), false);
});

Deno.test("ScreenerFill - a new query fills every row at once and drops the planned frame", () => {
  const { fill, frames, labels } = setup(SYMBOLS);
  fill.setWindow([[0, "A"], [1, "B"], [2, "C"], [3, "D"]], "scroll");
  assert.equal(fill.behind, 4);
  fill.setWindow([[0, "D"], [1, "C"], [2, "E"], [3, "F"]], "query");
  assert.deepEqual(labels(0, 1, 2, 3), ["D", "C", "E", "F"]);
  assert.equal(fill.behind, 0);
  assert.equal(frames.length, 0);
});

Deno.test("ScreenerFill - a reorder shows a slot's new market at once; kept rows catch up a budget per frame", () => {
  const { live, fill, frame, shows } = setup(SYMBOLS, 1);
  fill.setWindow([[0, "A"], [1, "B"]], "query");
  live.get("B")!.value = row("B", 2);
  live.get("A")!.value = row("A", 2);
  fill.setWindow([[0, "A"], [1, "C"], [2, "B"]], "reorder");
  assert.equal(label(shows(1)), "C");
  assert.equal(label(shows(2)), "B", "B moved to a new slot: shown at once");
  assert.equal((shows(0) as ScreenerRow).price, 1, "A keeps its slot: waits");
  assert.ok(frame());
  assert.equal((shows(0) as ScreenerRow).price, 2);
  assert.equal(frame(), false);
});

Deno.test("ScreenerFill - new figures reach the rows a budget per frame once told of them", () => {
  const { live, fill, frame, frames, shows } = setup(SYMBOLS, 2);
  fill.setWindow([[0, "A"], [1, "B"], [2, "C"]], "query");
  for (const symbol of ["A", "B", "C"]) {
    live.get(symbol)!.value = row(symbol, 5);
  }
  fill.changed();
  fill.changed();
  assert.equal(frames.length, 1, "one frame planned however often told");
  assert.ok(frame());
  assert.deepEqual(
    [0, 1, 2].map((slot) => (shows(slot) as ScreenerRow).price),
    [5, 5, 1],
  );
  assert.ok(frame());
  assert.equal((shows(2) as ScreenerRow).price, 5);
  // A market no longer tracked shows nothing once its turn comes.
  live.get("A")!.value = undefined;
  fill.changed();
  assert.ok(frame());
  assert.equal(shows(0), undefined);
});

Deno.test("ScreenerFill - dispose cancels the planned frame", () => {
  const { fill, frames } = setup(SYMBOLS);
  fill.setWindow([[0, "A"], [1, "B"]], "scroll");
  assert.equal(frames.length, 1);
  fill.dispose();
  assert.equal(frames.length, 0);
});

Deno.test("ScreenerFill - rowsPerFrame must be a positive integer", () => {
  const live = () => signal<ScreenerRow | undefined>(undefined);
  for (const rowsPerFrame of [0, -1, 1.5, NaN]) {
    assert.throws(
      () => new ScreenerFill(live, { rowsPerFrame }),
      (error: unknown) =>
        error instanceof RangeError && error.message.includes("rowsPerFrame"),
    );
  }
});
