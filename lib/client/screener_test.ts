import assert from "node:assert/strict";
import type { MarketItem } from "../protocol/frames.ts";
import {
  DEFAULT_SCREENER_QUERY,
  firstDirection,
  rowWindow,
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

const ids = (m: ScreenerModel, q: Partial<ScreenerQuery>) =>
  m.rows(query(q)).map((r) => r.symbol);

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
  const rows = m.rows(query({ sort: "alert" }));
  assert.deepEqual(rows.map((r) => r.symbol).slice(0, 2), [
    "BTC-USDT",
    "ETH-USDT",
  ]);
  assert.equal(rows[0].lastAlertKind, "liquidation", "an older one never wins");
  assert.equal(rows[0].lastAlertAt, Date.parse("2026-01-01T00:00:05Z"));
  assert.equal(rows[3].lastAlertAt, null);
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
  });
});
