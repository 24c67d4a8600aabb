import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import type { MarketTrade } from "../market/market_trade.ts";
import type { MarketLiquidation } from "../market/market_liquidation.ts";
import { AlertEngine, type AlertEngineOptions } from "./alert_engine.ts";

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
const LINES = { whale: 1_000_000, trade: 100_000, spike: 500_000 };

function engine(options: Partial<AlertEngineOptions> = {}) {
  const clock = new FakeClock(T0);
  const alerts = new AlertEngine({
    thresholds: { "BTC-USDT": LINES, "ETH-USDT": LINES },
    cooldownMs: 0,
    clock,
    ...options,
  });
  return { alerts, clock };
}

function tick(volume: number, ts = T0, symbol = "BTC-USDT") {
  return {
    symbol,
    price: 60_000,
    volume,
    upstream_ts: ts,
    source: "rest" as const,
  };
}

let tradeSeq = 0;
function trade(
  notional: number,
  time = T0,
  side: "Buy" | "Sell" = "Buy",
  symbol = "BTC-USDT",
): MarketTrade {
  return {
    symbol,
    id: `t${++tradeSeq}`,
    time,
    price: 60_000,
    size: notional / 60_000,
    notional,
    side,
  };
}

Deno.test("AlertEngine - whale trade: just below the line raises nothing, at and above raise one each", () => {
  const { alerts } = engine();
  assert.deepEqual(alerts.observeTrades([trade(99_999.99)], "ws"), []);
  const at = alerts.observeTrades([trade(100_000, T0, "Sell")], "ws");
  assert.equal(at.length, 1);
  assert.deepEqual(at[0], {
    symbol: "BTC-USDT",
    kind: "whale_trade",
    price: 60_000,
    notional: 100_000,
    threshold: 100_000,
    side: "Sell",
    source: "ws",
    at: T0,
  });
  const above = alerts.observeTrades([trade(250_000)], "simulator");
  assert.deepEqual(above.map((a) => [a.kind, a.side, a.source]), [
    ["whale_trade", "Buy", "simulator"],
  ]);
});

Deno.test("AlertEngine - the first observation after start never fires a crossing", () => {
  const { alerts } = engine();
  assert.deepEqual(alerts.observeTicks([tick(5_000_000)]), []);
  assert.deepEqual(alerts.observeTicks([tick(6_000_000)]), []);
});

Deno.test("AlertEngine - a crossing fires once at the line and re-arms only below the hysteresis margin", () => {
  const { alerts } = engine({ hysteresis: 0.02 });
  const kinds = (volume: number) =>
    alerts.observeTicks([tick(volume)]).map((a) => a.kind);
  assert.deepEqual(kinds(999_999), [], "below: arms");
  assert.deepEqual(kinds(1_000_000), ["threshold_crossing"], "at the line");
  assert.deepEqual(kinds(1_500_000), [], "still above");
  assert.deepEqual(kinds(990_000), [], "dips inside the margin");
  assert.deepEqual(kinds(1_000_001), [], "not re-armed by a 1 % dip");
  assert.deepEqual(kinds(980_001), [], "just inside the 2 % margin");
  assert.deepEqual(kinds(1_000_000), [], "still not re-armed");
  assert.deepEqual(kinds(979_999), [], "below the margin: re-armed");
  assert.deepEqual(kinds(1_000_000), ["threshold_crossing"], "fires again");
});

Deno.test("AlertEngine - a crossing alert carries turnover, line, price and source", () => {
  const { alerts, clock } = engine();
  alerts.observeTicks([tick(10)]);
  clock.advance(5);
  const [alert] = alerts.observeTicks([tick(2_000_000)]);
  assert.deepEqual(alert, {
    symbol: "BTC-USDT",
    kind: "threshold_crossing",
    price: 60_000,
    notional: 2_000_000,
    threshold: 1_000_000,
    source: "rest",
    at: T0 + 5,
  });
});

Deno.test("AlertEngine - cooldown suppresses per (symbol, kind) and counts what it suppressed", () => {
  const { alerts, clock } = engine({ cooldownMs: 30_000 });
  const whales = (t: MarketTrade) =>
    alerts.observeTrades([t], "ws").filter((a) => a.kind === "whale_trade")
      .length;
  assert.equal(whales(trade(200_000)), 1);
  clock.advance(29_999);
  assert.equal(whales(trade(200_000)), 0);
  assert.equal(whales(trade(300_000)), 0);
  assert.equal(
    whales(trade(200_000, T0, "Buy", "ETH-USDT")),
    1,
    "another symbol has its own cooldown",
  );
  clock.advance(1);
  assert.equal(whales(trade(200_000)), 1);
  const stats = alerts.stats();
  assert.deepEqual(stats.suppressed["BTC-USDT"], {
    threshold_crossing: 0,
    volume_spike: 0,
    whale_trade: 2,
    price_level: 0,
    liquidation: 0,
  });
  assert.equal(stats.raised["BTC-USDT"].whale_trade, 2);
  assert.equal(stats.raised["ETH-USDT"].whale_trade, 1);
  assert.equal(stats.suppressed["ETH-USDT"].whale_trade, 0);
});

Deno.test("AlertEngine - a suppressed crossing still disarms: no late alert after the cooldown", () => {
  const { alerts, clock } = engine({ cooldownMs: 10_000, hysteresis: 0 });
  alerts.observeTicks([tick(0)]);
  assert.equal(alerts.observeTicks([tick(2_000_000)]).length, 1);
  alerts.observeTicks([tick(10)]);
  assert.equal(alerts.observeTicks([tick(2_000_000)]).length, 0);
  clock.advance(20_000);
  assert.equal(alerts.observeTicks([tick(2_000_000)]).length, 0);
  assert.equal(alerts.stats().suppressed["BTC-USDT"].threshold_crossing, 1);
});

Deno.test("AlertEngine - volume spike from trades fires when the window reaches the line, once", () => {
  const { alerts } = engine();
  const spikes = (notional: number, time: number) =>
    alerts.observeTrades([trade(notional, time)], "ws").filter((a) =>
      a.kind === "volume_spike"
    );
  assert.equal(spikes(90_000, T0).length, 0);
  assert.equal(spikes(90_000, T0 + 10_000).length, 0);
  assert.equal(spikes(319_999, T0 + 20_000).length, 0, "499 999 in window");
  const [spike] = spikes(1, T0 + 30_000);
  assert.equal(spike.notional, 500_000);
  assert.equal(spike.threshold, 500_000);
  assert.equal(spike.side, undefined);
  assert.equal(spikes(90_000, T0 + 40_000).length, 0, "still above: no repeat");
});

Deno.test("AlertEngine - volume spike re-arms once the window drains below the margin", () => {
  const { alerts } = engine({ hysteresis: 0.02 });
  const spikes = (notional: number, time: number) =>
    alerts.observeTrades([trade(notional, time)], "ws").filter((a) =>
      a.kind === "volume_spike"
    ).length;
  assert.equal(spikes(500_000, T0), 1);
  // 61 s later the first trade has left the window: a quiet market re-arms,
  // and one big trade can both re-arm and fire.
  assert.equal(spikes(500_000, T0 + 61_000), 1);
});

Deno.test("AlertEngine - without trades, spikes come from turnover growth between ticks", () => {
  const { alerts } = engine();
  const spikes = (volume: number, ts: number) =>
    alerts.observeTicks([tick(volume, ts)]).filter((a) =>
      a.kind === "volume_spike"
    );
  assert.equal(spikes(100_000, T0).length, 0, "first tick is the baseline");
  assert.equal(spikes(350_000, T0 + 1_000).length, 0, "+250 000");
  assert.equal(spikes(300_000, T0 + 2_000).length, 0, "shrinking adds nothing");
  const [spike] = spikes(550_000, T0 + 3_000);
  assert.equal(spike.notional, 500_000);
  assert.equal(spike.source, "rest");
});

Deno.test("AlertEngine - a gap longer than the window is not a spike", () => {
  const { alerts } = engine();
  alerts.observeTicks([tick(100_000, T0)]);
  const after = alerts.observeTicks([tick(10_000_000, T0 + 61_000)]);
  assert.deepEqual(after.filter((a) => a.kind === "volume_spike"), []);
});

Deno.test("AlertEngine - while trades arrive, turnover growth is not counted twice", () => {
  const { alerts, clock } = engine();
  alerts.observeTicks([tick(100_000, T0)]);
  alerts.observeTrades([trade(1_000, T0)], "ws");
  assert.deepEqual(alerts.observeTicks([tick(900_000, T0 + 1_000)]), []);
  clock.advance(61_000);
  alerts.observeTicks([tick(900_000, T0 + 61_000)]);
  const kinds = alerts.observeTicks([tick(1_500_000, T0 + 62_000)]).map((a) =>
    a.kind
  );
  assert.ok(kinds.includes("volume_spike"), "trades gone: turnover counts");
});

Deno.test("AlertEngine - threshold changes apply to the next observation", () => {
  const { alerts } = engine();
  alerts.observeTicks([tick(800_000)]);
  alerts.setThresholds("BTC-USDT", { whale: 700_000 });
  assert.deepEqual(
    alerts.observeTicks([tick(800_000)]).map((a) => [a.kind, a.threshold]),
    [["threshold_crossing", 700_000]],
    "an armed symbol fires when its line drops below turnover",
  );
  alerts.setThresholds("BTC-USDT", { trade: 5_000 });
  assert.equal(alerts.observeTrades([trade(5_000)], "ws").length, 1);
  assert.deepEqual(alerts.thresholds("BTC-USDT"), {
    whale: 700_000,
    trade: 5_000,
    spike: 500_000,
  });
  assert.throws(
    () => alerts.setThresholds("DOGE-USDT", { trade: 1 }),
    /symbol/,
  );
  assert.throws(() => alerts.setThresholds("BTC-USDT", { spike: 0 }), /spike/);
  assert.throws(
    () => alerts.setThresholds("BTC-USDT", { whale: NaN }),
    /whale/,
  );
});

Deno.test("AlertEngine - untracked symbols and non-finite input are ignored", () => {
  const { alerts } = engine();
  assert.deepEqual(
    alerts.observeTrades([trade(1e9, T0, "Buy", "DOGE-USDT")], "ws"),
    [],
  );
  assert.deepEqual(
    alerts.observeTrades([{ ...trade(1), notional: Infinity }], "ws"),
    [],
  );
  alerts.observeTicks([tick(0)]);
  assert.deepEqual(alerts.observeTicks([tick(NaN)]), []);
  assert.equal(alerts.stats().raised["DOGE-USDT"], undefined);
});

Deno.test("AlertEngine - bad options are refused naming the field", () => {
  const thresholds = { "BTC-USDT": LINES };
  assert.throws(
    () => new AlertEngine({ thresholds, cooldownMs: -1 }),
    /cooldownMs/,
  );
  assert.throws(
    () => new AlertEngine({ thresholds, hysteresis: 1 }),
    /hysteresis/,
  );
  assert.throws(
    () => new AlertEngine({ thresholds, spikeWindowMs: 0 }),
    /spikeWindowMs/,
  );
  assert.throws(
    () => new AlertEngine({ thresholds: { X: { ...LINES, trade: -1 } } }),
    /trade threshold of X/,
  );
});

function liquidation(
  notional: number,
  side: "Buy" | "Sell" = "Buy",
  symbol = "BTC-USDT-PERP",
): MarketLiquidation {
  return {
    symbol,
    time: T0,
    side,
    price: 50_000,
    size: notional / 50_000,
    notional,
  };
}

function perpEngine(options: Partial<AlertEngineOptions> = {}) {
  return engine({
    thresholds: {
      "BTC-USDT": LINES,
      "BTC-USDT-PERP": { ...LINES, liquidation: 1_000_000 },
    },
    ...options,
  });
}

Deno.test("AlertEngine - liquidation: just below the line raises nothing, at the line raises one with side, price and size", () => {
  const { alerts } = perpEngine();
  assert.deepEqual(
    alerts.observeLiquidations([liquidation(999_999.99)], "ws"),
    [],
  );
  const at = alerts.observeLiquidations([liquidation(1_000_000, "Sell")], "ws");
  assert.deepEqual(at, [{
    symbol: "BTC-USDT-PERP",
    kind: "liquidation",
    price: 50_000,
    notional: 1_000_000,
    threshold: 1_000_000,
    side: "Sell",
    size: 20,
    source: "ws",
    at: T0,
  }]);
  assert.equal(
    alerts.observeLiquidations([liquidation(5_000_000)], "ws").length,
    1,
  );
});

Deno.test("AlertEngine - liquidation: cooldown per symbol, no line for spot, untracked ignored", () => {
  const { alerts, clock } = perpEngine({ cooldownMs: 30_000 });
  assert.equal(
    alerts.observeLiquidations([liquidation(2e6), liquidation(3e6)], "ws")
      .length,
    1,
    "the second is within the cooldown",
  );
  assert.equal(alerts.stats().suppressed["BTC-USDT-PERP"].liquidation, 1);
  clock.advance(30_000);
  assert.equal(alerts.observeLiquidations([liquidation(2e6)], "ws").length, 1);
  assert.deepEqual(
    alerts.observeLiquidations([liquidation(9e9, "Buy", "BTC-USDT")], "ws"),
    [],
    "a spot pair has no liquidation line",
  );
  assert.deepEqual(
    alerts.observeLiquidations(
      [liquidation(9e9, "Buy", "XRP-USDT-PERP")],
      "ws",
    ),
    [],
  );
  assert.deepEqual(
    alerts.observeLiquidations([{ ...liquidation(2e6), notional: NaN }], "ws"),
    [],
  );
});

Deno.test("AlertEngine - symbols tracked and untracked at runtime keep the others' state", () => {
  const { alerts } = engine({ cooldownMs: 60_000 });
  assert.equal(alerts.observeTrades([trade(200_000)], "ws").length, 1);
  alerts.track("XRP-USDT-PERP", { ...LINES, liquidation: 10 });
  assert.equal(
    alerts.observeLiquidations([liquidation(10, "Buy", "XRP-USDT-PERP")], "ws")
      .length,
    1,
  );
  alerts.untrack("XRP-USDT-PERP");
  assert.equal(alerts.thresholds("XRP-USDT-PERP"), undefined);
  assert.equal(alerts.stats().raised["XRP-USDT-PERP"], undefined);
  assert.equal(
    alerts.observeTrades([trade(200_000)], "ws").length,
    0,
    "BTC's cooldown was kept",
  );
  assert.throws(
    () => alerts.track("BAD-USDT", { ...LINES, liquidation: -1 }),
    /liquidation threshold of BAD-USDT/,
  );
});
