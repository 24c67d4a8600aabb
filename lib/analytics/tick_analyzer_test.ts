import assert from "node:assert/strict";
import type { MarketTick } from "../market/market_tick.ts";
import { TickAnalyzer } from "./tick_analyzer.ts";

function tick(overrides: Partial<MarketTick> = {}): MarketTick {
  return {
    symbol: "BTC-USDT",
    price: 105,
    high: 110,
    low: 100,
    volume: 10_000_000,
    change: 1.5,
    upstreamTs: 1_000,
    ...overrides,
  };
}

Deno.test("tick analyzer - carries the original payload and analytics", () => {
  const analyzer = new TickAnalyzer({ "BTC-USDT": 50_000_000 });
  const out = analyzer.analyze(tick(), "rest");
  assert.deepEqual(out, {
    symbol: "BTC-USDT",
    price: 105,
    high: 110,
    low: 100,
    volume: 10_000_000,
    change: 1.5,
    spread: 10,
    is_whale: false,
    whale_alert: false,
    whale_threshold: 50_000_000,
    tier: "ELEVATED",
    range_position: 50,
    velocity: 0,
    upstream_ts: 1_000,
    source: "rest",
  });
});

Deno.test("tick analyzer - velocity from the previous tick of the same symbol", () => {
  const analyzer = new TickAnalyzer({ "BTC-USDT": 1, "ETH-USDT": 1 });
  analyzer.analyze(tick({ price: 100, upstreamTs: 0 }), "rest");
  analyzer.analyze(
    tick({ symbol: "ETH-USDT", price: 5, upstreamTs: 500 }),
    "rest",
  );
  const out = analyzer.analyze(tick({ price: 102, upstreamTs: 2_000 }), "ws");
  assert.equal(out.velocity, 1);
  assert.equal(out.source, "ws");
});

Deno.test("tick analyzer - equal timestamps give velocity 0", () => {
  const analyzer = new TickAnalyzer({});
  analyzer.analyze(tick({ price: 100 }), "rest");
  assert.equal(analyzer.analyze(tick({ price: 150 }), "rest").velocity, 0);
});

Deno.test("tick analyzer - unknown threshold is never a whale and reports 0", () => {
  const analyzer = new TickAnalyzer({});
  const out = analyzer.analyze(tick({ volume: 1e15 }), "rest");
  assert.equal(out.is_whale, false);
  assert.equal(out.whale_threshold, 0);
});

Deno.test("tick analyzer - whale alert fires once and re-arms after falling below", () => {
  const analyzer = new TickAnalyzer({ "BTC-USDT": 1_000 });
  const alerts = [500, 1_000, 2_000, 999, 1_500].map((volume, i) =>
    analyzer.analyze(tick({ volume, upstreamTs: i * 1_000 }), "rest")
  ).map((t) => [t.is_whale, t.whale_alert]);
  assert.deepEqual(alerts, [
    [false, false],
    [true, true],
    [true, false],
    [false, false],
    [true, true],
  ]);
});

Deno.test("tick analyzer - a market already above at start does not alert", () => {
  const analyzer = new TickAnalyzer({ "BTC-USDT": 1_000 });
  const first = analyzer.analyze(tick({ volume: 5_000 }), "rest");
  assert.equal(first.is_whale, true);
  assert.equal(first.whale_alert, false);
});

Deno.test("tick analyzer - threshold change re-arms the edge", () => {
  const analyzer = new TickAnalyzer({ "BTC-USDT": 1_000 });
  analyzer.analyze(tick({ volume: 500 }), "rest");
  analyzer.analyze(tick({ volume: 2_000 }), "rest");
  analyzer.setThreshold("BTC-USDT", 3_000);
  const afterChange = analyzer.analyze(tick({ volume: 2_000 }), "rest");
  assert.equal(afterChange.whale_threshold, 3_000);
  assert.equal(afterChange.is_whale, false);
  const crossing = analyzer.analyze(tick({ volume: 3_000 }), "rest");
  assert.equal(crossing.is_whale, true);
  assert.equal(crossing.whale_alert, true);
});

Deno.test("tick analyzer - lowering the threshold under the volume does not alert at once", () => {
  const analyzer = new TickAnalyzer({ "BTC-USDT": 10_000 });
  analyzer.analyze(tick({ volume: 5_000 }), "rest");
  analyzer.setThreshold("BTC-USDT", 1_000);
  const next = analyzer.analyze(tick({ volume: 5_000 }), "rest");
  assert.equal(next.is_whale, true);
  assert.equal(next.whale_alert, false);
});

Deno.test("tick analyzer - tiers and range position follow the band", () => {
  const analyzer = new TickAnalyzer({});
  const stable = analyzer.analyze(
    tick({ high: 102.5, low: 100, price: 200 }),
    "rest",
  );
  assert.equal(stable.tier, "STABLE");
  assert.equal(stable.range_position, 100);
  const active = analyzer.analyze(
    tick({ high: 105, low: 100, price: 90 }),
    "rest",
  );
  assert.equal(active.tier, "ACTIVE");
  assert.equal(active.range_position, 0);
});

Deno.test("tick analyzer - spread and range position to 4 decimals, velocity to 6, the tier from the published spread", () => {
  const analyzer = new TickAnalyzer({ "BTC-USDT": 50_000_000 });
  analyzer.analyze(tick({ price: 59_000, upstreamTs: 1_000 }), "ws");
  const out = analyzer.analyze(
    tick({
      price: 59_998.62,
      high: 61_125.54,
      low: 59_080.68,
      upstreamTs: 1_050,
    }),
    "ws",
  );
  // Unrounded: 3.46113145617146, 44.89011472668066, 33.85152542372...
  assert.equal(out.spread, 3.4611);
  assert.equal(out.range_position, 44.8901);
  assert.equal(out.velocity, 33.851525);
  assert.equal(out.tier, "ACTIVE");
  const edge = new TickAnalyzer({}).analyze(
    tick({ high: 102.500001, low: 100 }),
    "ws",
  );
  assert.equal(edge.spread, 2.5);
  assert.equal(edge.tier, "STABLE", "2.500001 % publishes as 2.5: not above");
});
