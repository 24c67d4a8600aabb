import assert from "node:assert/strict";
import type { MarketItem } from "../protocol/frames.ts";
import {
  DEFAULT_SCREENER_QUERY,
  firstDirection,
  rowWindow,
  sameOrder,
  ScreenerModel,
  type ScreenerQuery,
} from "./screener.ts";

function item(symbol: string, fields: Partial<MarketItem> = {}): MarketItem {
  return {
    symbol,
    price: 1,
    change: 0,
    volume: 1_000,
    spread: 1,
    velocity: 0,
    tier: "STABLE",
    is_whale: false,
    ...fields,
  };
}

const query = (fields: Partial<ScreenerQuery>): ScreenerQuery => ({
  ...DEFAULT_SCREENER_QUERY,
  ...fields,
});

function model(): ScreenerModel {
  const m = new ScreenerModel();
  m.apply({
    type: "market",
    ts: 1,
    items: [
      item("BTC-USDT", { change: 1.5, volume: 9e6, tier: "ACTIVE" }),
      item("ETH-USDT", { change: -2, volume: 5e6, spread: 3 }),
      item("BTC-USDT-PERP", { change: 0.5, volume: 2e7, velocity: 0.01 }),
      item("KORAVUSDT-USDT", { change: 7, volume: 1e5, tier: "ELEVATED" }),
    ],
  });
  return m;
}

const ids = (m: ScreenerModel, q: Partial<ScreenerQuery>) => m.order(query(q));

Deno.test("ScreenerModel - sorts by each column, both ways, ties by id", () => {
  const m = model();
  assert.deepEqual(ids(m, {}), [
    "BTC-USDT-PERP",
    "BTC-USDT",
    "ETH-USDT",
    "KORAVUSDT-USDT",
  ]);
  assert.deepEqual(ids(m, { sort: "change" }), [
    "KORAVUSDT-USDT",
    "BTC-USDT",
    "BTC-USDT-PERP",
    "ETH-USDT",
  ]);
  assert.deepEqual(ids(m, { sort: "change", direction: "asc" })[0], "ETH-USDT");
  assert.deepEqual(ids(m, { sort: "spread" })[0], "ETH-USDT");
  assert.deepEqual(ids(m, { sort: "velocity" })[0], "BTC-USDT-PERP");
  assert.deepEqual(ids(m, { sort: "tier" }).slice(0, 2), [
    "KORAVUSDT-USDT",
    "BTC-USDT",
  ]);
  assert.deepEqual(ids(m, { sort: "symbol", direction: "asc" }), [
    "BTC-USDT",
    "BTC-USDT-PERP",
    "ETH-USDT",
    "KORAVUSDT-USDT",
  ]);
  assert.equal(firstDirection("symbol"), "asc");
  assert.equal(firstDirection("change"), "desc");
});

Deno.test("ScreenerModel - the last alert's time sorts, newest first; none last", () => {
  const m = model();
  m.noteAlert({
    symbol: "ETH-USDT",
    time: "2026-01-01T00:00:02Z",
    kind: "whale_trade",
  });
  m.noteAlert({
    symbol: "BTC-USDT",
    time: "2026-01-01T00:00:05Z",
    kind: "liquidation",
  });
  m.noteAlert({
    symbol: "BTC-USDT",
    time: "2026-01-01T00:00:01Z",
    kind: "volume_spike",
  });
  const order = ids(m, { sort: "alert" });
  assert.deepEqual(order.slice(0, 2), ["BTC-USDT", "ETH-USDT"]);
  const first = m.row(order[0])!;
  assert.equal(first.lastAlertKind, "liquidation", "an older one never wins");
  assert.equal(first.lastAlertAt, Date.parse("2026-01-01T00:00:05Z"));
  assert.equal(m.row(order[3])!.lastAlertAt, null);
});

Deno.test("ScreenerModel - a row is its latest item with its market and last alert", () => {
  const m = model();
  assert.deepEqual(m.row("BTC-USDT-PERP"), {
    ...item("BTC-USDT-PERP", { change: 0.5, volume: 2e7, velocity: 0.01 }),
    market: "linear",
    lastAlertAt: null,
    lastAlertKind: null,
  });
  assert.equal(m.row("BTC-USDT")!.market, "spot");
  assert.equal(m.item("ETH-USDT")!.spread, 3);
  assert.equal(m.row("NOPE-USDT"), undefined);
  assert.equal(m.item("NOPE-USDT"), undefined);
});

Deno.test("sameOrder - the same ids in the same order, nothing else", () => {
  assert.equal(sameOrder([], []), true);
  assert.equal(sameOrder(["A", "B"], ["A", "B"]), true);
  assert.equal(sameOrder(["A", "B"], ["B", "A"]), false);
  assert.equal(sameOrder(["A"], ["A", "B"]), false);
});

Deno.test("ScreenerModel - filters by text (any case, / for -) and by market", () => {
  const m = model();
  assert.deepEqual(ids(m, { text: "btc" }), ["BTC-USDT-PERP", "BTC-USDT"]);
  assert.deepEqual(ids(m, { text: " eth/usdt " }), ["ETH-USDT"]);
  assert.deepEqual(ids(m, { market: "linear" }), ["BTC-USDT-PERP"]);
  assert.deepEqual(ids(m, { market: "spot", text: "BTC" }), ["BTC-USDT"]);
  assert.deepEqual(ids(m, { text: "nothing" }), []);
});

Deno.test("ScreenerModel - frames merge what changed; removed pairs leave", () => {
  const m = model();
  assert.equal(m.apply({ type: "market", ts: 2, items: [] }), false);
  assert.equal(
    m.apply({
      type: "market",
      ts: 3,
      items: [item("ETH-USDT", { change: 9 })],
      removed: ["KORAVUSDT-USDT"],
    }),
    true,
  );
  assert.equal(m.size, 3);
  assert.equal(m.has("KORAVUSDT-USDT"), false);
  assert.equal(ids(m, { sort: "change" })[0], "ETH-USDT");
  m.seed([item("ETH-USDT", { change: -50 }), item("NEW-USDT")]);
  assert.equal(
    ids(m, { sort: "change" })[0],
    "ETH-USDT",
    "seeds never overwrite",
  );
  assert.equal(m.size, 4);
});

Deno.test("rowWindow - renders the visible rows and some either side", () => {
  assert.deepEqual(rowWindow(1_000, 36, 0, 720, 8), {
    start: 0,
    end: 29,
    before: 0,
    after: 971 * 36,
    slots: 37,
  });
  const middle = rowWindow(1_000, 36, 36 * 500, 720, 8);
  assert.equal(middle.start, 492);
  assert.equal(middle.end, 529);
  assert.equal(
    middle.before + (middle.end - middle.start) * 36 + middle.after,
    36_000,
  );
  const bottom = rowWindow(1_000, 36, 36 * 990, 720, 8);
  assert.equal(bottom.end, 1_000);
  assert.equal(bottom.after, 0);
  assert.deepEqual(rowWindow(0, 36, 100, 720), {
    start: 0,
    end: 0,
    before: 0,
    after: 0,
    slots: 29,
  });
});

Deno.test("rowWindow - a window never holds more rows than its slots, so index % slots keys are unique", () => {
  for (const scrollTop of [0, 17, 40 * 3 + 39, 40 * 500, 40 * 995]) {
    const w = rowWindow(1_000, 40, scrollTop, 652);
    assert.ok(w.end - w.start <= w.slots, `at ${scrollTop}`);
    const keys = new Set<number>();
    for (let i = w.start; i < w.end; i++) keys.add(i % w.slots);
    assert.equal(keys.size, w.end - w.start);
  }
  // A small overscan by default: the rows in view and four either side.
  const middle = rowWindow(1_000, 40, 40 * 500, 652);
  assert.equal(middle.start, 496);
  assert.equal(middle.end, 522);
});
