import assert from "node:assert/strict";
import { alertMetrics, withPriceLevels } from "./alert_metrics.ts";

Deno.test("alertMetrics - totals sum every symbol and kind", () => {
  const counts = (a: number, b: number, c: number, d = 0) => ({
    threshold_crossing: a,
    volume_spike: b,
    whale_trade: c,
    price_level: d,
    liquidation: 0,
  });
  const metrics = alertMetrics(
    {
      raised: { "BTC-USDT": counts(1, 2, 3), "ETH-USDT": counts(0, 0, 4) },
      suppressed: { "BTC-USDT": counts(0, 5, 0), "ETH-USDT": counts(0, 0, 1) },
    },
    { stored: 9, failed: 1, dropped: 0, pending: 2 },
    42,
  );
  assert.equal(metrics.raised_total, 10);
  assert.equal(metrics.suppressed_total, 6);
  assert.equal(metrics.stored_total, 9);
  assert.equal(metrics.store_failures_total, 1);
  assert.equal(metrics.pending, 2);
  assert.equal(metrics.trail_size, 42);
  assert.equal(metrics.suppressed["BTC-USDT"].volume_spike, 5);
});

Deno.test("withPriceLevels - price-level counts join the engine's under price_level", () => {
  const zero = {
    threshold_crossing: 0,
    volume_spike: 1,
    whale_trade: 0,
    price_level: 0,
    liquidation: 0,
  };
  const merged = withPriceLevels(
    {
      raised: { "BTC-USDT": zero, "ETH-USDT": zero },
      suppressed: { "BTC-USDT": zero },
    },
    { raised: { "BTC-USDT": 2 }, suppressed: { "BTC-USDT": 1 } },
  );
  assert.equal(merged.raised["BTC-USDT"].price_level, 2);
  assert.equal(merged.raised["BTC-USDT"].volume_spike, 1);
  assert.equal(merged.raised["ETH-USDT"].price_level, 0);
  assert.equal(merged.suppressed["BTC-USDT"].price_level, 1);
});
