import assert from "node:assert/strict";
import type { AlertMetrics } from "../protocol/api_types.ts";
import { renderAlertPrometheus } from "./alert_prometheus.ts";

const METRICS: AlertMetrics = {
  raised_total: 5,
  suppressed_total: 3,
  stored_total: 5,
  store_failures_total: 1,
  dropped_total: 0,
  pending: 2,
  trail_size: 42,
  raised: {
    "BTC-USDT": {
      threshold_crossing: 1,
      volume_spike: 0,
      whale_trade: 4,
      price_level: 2,
      liquidation: 0,
    },
  },
  suppressed: {
    "BTC-USDT": {
      threshold_crossing: 0,
      volume_spike: 0,
      whale_trade: 3,
      price_level: 0,
      liquidation: 0,
    },
  },
};

Deno.test("renderAlertPrometheus - labelled counters per symbol and kind", () => {
  const text = renderAlertPrometheus(METRICS);
  assert.match(text, /^# TYPE sentinel_alerts_suppressed_total counter$/m);
  assert.match(
    text,
    /^sentinel_alerts_suppressed_total\{symbol="BTC-USDT",kind="whale_trade"\} 3$/m,
  );
  assert.match(
    text,
    /^sentinel_alerts_raised_total\{symbol="BTC-USDT",kind="threshold_crossing"\} 1$/m,
  );
  assert.match(
    text,
    /^sentinel_alerts_raised_total\{symbol="BTC-USDT",kind="price_level"\} 2$/m,
  );
  assert.match(text, /^sentinel_alerts_store_failures_total 1$/m);
  assert.match(text, /^# TYPE sentinel_alerts_pending gauge$/m);
  assert.match(text, /^sentinel_alert_trail_size 42$/m);
  assert.ok(text.endsWith("\n"));
});

Deno.test("renderAlertPrometheus - label values are escaped", () => {
  const text = renderAlertPrometheus({
    ...METRICS,
    raised: {
      'a"b\\c': {
        threshold_crossing: 1,
        volume_spike: 0,
        whale_trade: 0,
        price_level: 0,
        liquidation: 0,
      },
    },
  });
  assert.match(text, /symbol="a\\"b\\\\c"/);
});
