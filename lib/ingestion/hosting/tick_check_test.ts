import assert from "node:assert/strict";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";
import { isCleanTick } from "./tick_check.ts";
import { parseWorkerMessage } from "./worker_messages.ts";

const SPOT: AnalyzedTick = {
  symbol: "BTC-USDT",
  price: 70_000.5,
  high: 71_000,
  low: 69_000,
  volume: 1_234.5,
  change: -0.42,
  spread: 0.0012,
  is_whale: false,
  whale_alert: false,
  whale_threshold: 250_000,
  tier: "ACTIVE",
  range_position: 0.61,
  velocity: -0.0003,
  upstream_ts: 1_700_000_000_000,
  source: "ws",
};

const PERP: AnalyzedTick = {
  ...SPOT,
  symbol: "BTC-USDT-PERP",
  mark_price: 70_001.2,
  index_price: 70_000.9,
  open_interest: 51_234.5,
  open_interest_value: 3_586_415_000.12,
  funding_rate: -0.0001,
  next_funding_time: 1_700_003_600_000,
};

/** Each field's wrong values, by what the tick's schema asks of it. */
const WRONG: Record<string, unknown[]> = {
  number: [Number.NaN, Infinity, -Infinity, "1", null, undefined],
  nonNegative: [-0.01, Number.NaN, Infinity, "1", null, undefined],
  boolean: [0, "true", null, undefined],
  symbol: ["", "BTC/USDT", "x".repeat(33), 1, null, undefined],
  tier: ["WILD", "stable", null, undefined],
  source: ["bybit", null, undefined],
};

const KIND: Record<keyof AnalyzedTick, keyof typeof WRONG> = {
  symbol: "symbol",
  price: "nonNegative",
  high: "nonNegative",
  low: "nonNegative",
  volume: "nonNegative",
  change: "number",
  spread: "number",
  is_whale: "boolean",
  whale_alert: "boolean",
  whale_threshold: "nonNegative",
  tier: "tier",
  range_position: "number",
  velocity: "number",
  upstream_ts: "nonNegative",
  source: "source",
  mark_price: "nonNegative",
  index_price: "nonNegative",
  open_interest: "nonNegative",
  open_interest_value: "nonNegative",
  funding_rate: "number",
  next_funding_time: "nonNegative",
};

const batch = (...ticks: unknown[]) => ({
  type: "batch",
  ticks,
  trades: [],
  liquidations: [],
});

Deno.test("isCleanTick - accepts spot and perpetual ticks as the worker sends them", () => {
  assert.equal(isCleanTick(SPOT), true);
  assert.equal(isCleanTick(PERP), true);
  assert.equal(isCleanTick({ ...SPOT, change: 0, price: 0 }), true);
});

Deno.test("isCleanTick - refuses every wrong value of every field", () => {
  for (const [key, kind] of Object.entries(KIND)) {
    for (const wrong of WRONG[kind]) {
      const tick = { ...PERP, [key]: wrong };
      assert.equal(isCleanTick(tick), false, `${key} = ${String(wrong)}`);
    }
  }
});

Deno.test("isCleanTick - refuses a missing field, an unknown key and non-objects", () => {
  const { price: _price, ...noPrice } = SPOT;
  assert.equal(isCleanTick(noPrice), false);
  assert.equal(isCleanTick({ ...SPOT, extra: 1 }), false);
  for (const value of [null, undefined, 1, "tick", [SPOT]]) {
    assert.equal(isCleanTick(value), false, String(value));
  }
});

Deno.test("parseWorkerMessage - a batch of clean ticks keeps them as they came", () => {
  const data = batch(SPOT, PERP);
  const read = parseWorkerMessage(data);
  assert.equal(read.ok, true);
  assert.ok(read.ok && read.message.type === "batch");
  assert.equal(read.message.ticks, data.ticks);
});

Deno.test("parseWorkerMessage - a tick the quick check leaves is judged by the schema, with its reason", () => {
  for (const [key, kind] of Object.entries(KIND)) {
    for (const wrong of WRONG[kind]) {
      if (wrong === undefined && key in PERP && !(key in SPOT)) continue;
      const read = parseWorkerMessage(batch(SPOT, { ...PERP, [key]: wrong }));
      assert.equal(read.ok, false, `${key} = ${String(wrong)}`);
      assert.ok(!read.ok && read.reason.startsWith(`ticks.1.${key}:`));
    }
  }
  // An absent optional field may also be present as undefined; an unknown
  // key is stripped, as the schema does.
  const read = parseWorkerMessage(
    batch({ ...SPOT, mark_price: undefined, extra: "x" }),
  );
  assert.ok(read.ok && read.message.type === "batch");
  assert.equal("extra" in read.message.ticks[0], false);
});
