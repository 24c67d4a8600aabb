import assert from "node:assert/strict";
import { analyzedTick } from "./test_utils.ts";
import { tickData, tickEntry } from "./tick_codec.ts";

Deno.test("tickEntry - the text is exactly the frame's JSON", () => {
  const tick = analyzedTick("BTC-USDT", 64_000.5);
  const entry = tickEntry("BTC-USDT", 42, tickData(tick, 1_700_000_000_123));
  const frame = {
    type: "tick",
    symbol: "BTC-USDT",
    seq: 42,
    ts: 1_700_000_000_123,
    price: tick.price,
    high: tick.high,
    low: tick.low,
    volume: tick.volume,
    change: tick.change,
    spread: tick.spread,
    is_whale: tick.is_whale,
    whale_alert: tick.whale_alert,
    whale_threshold: tick.whale_threshold,
    tier: tick.tier,
    range_position: tick.range_position,
    velocity: tick.velocity,
    upstream_ts: tick.upstream_ts,
    source: tick.source,
  };
  assert.equal(entry.encoded, JSON.stringify(frame));
  assert.deepEqual(entry.frame, frame);
  assert.equal(entry.seq, 42);
});
