import assert from "node:assert/strict";
import type { MarketTrade } from "../market/market_trade.ts";
import { AlertEngine } from "./alert_engine.ts";
import { isAlertHandover } from "./alert_handover.ts";
import { FakeClock } from "../clock/fake_clock.ts";

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
const LINES = { whale: 1_000_000, trade: 100_000, spike: 50_000_000 };

function engine(at = T0) {
  return new AlertEngine({
    thresholds: { "BTC-USDT": LINES },
    cooldownMs: 30_000,
    clock: new FakeClock(at),
  });
}

const trade = (id: string, notional = 200_000): MarketTrade => ({
  symbol: "BTC-USDT",
  id,
  time: T0,
  price: 60_000,
  size: notional / 60_000,
  notional,
  side: "Buy",
});

const tick = (volume: number) => ({
  symbol: "BTC-USDT",
  price: 60_000,
  volume,
  upstream_ts: T0,
  source: "ws" as const,
});

Deno.test("AlertEngine - a trade id is judged once", () => {
  const alerts = new AlertEngine({
    thresholds: { "BTC-USDT": LINES },
    cooldownMs: 0,
    clock: new FakeClock(T0),
  });
  assert.equal(alerts.observeTrades([trade("1")], "ws").length, 1);
  assert.equal(alerts.observeTrades([trade("1")], "ws").length, 0);
  assert.equal(alerts.observeTrades([trade("2")], "ws").length, 1);
});

Deno.test("AlertEngine - a new leader adopting the handover raises nothing the old one raised", () => {
  const old = engine();
  old.observeTicks([tick(500_000)]);
  assert.equal(old.observeTicks([tick(2_000_000)]).length, 1);
  assert.equal(old.observeTrades([trade("9")], "ws").length, 1);
  const state = JSON.parse(JSON.stringify(old.handover(T0)));
  assert.ok(isAlertHandover(state));

  const next = engine(T0 + 1_000);
  next.adopt(state);
  // The crossing already fired, the cooldown runs, the trade was judged.
  assert.deepEqual(next.observeTicks([tick(2_100_000)]), []);
  assert.deepEqual(next.observeTrades([trade("9")], "ws"), []);
  assert.deepEqual(next.observeTrades([trade("10")], "ws"), []);
  assert.equal(next.stats().suppressed["BTC-USDT"].whale_trade, 1);

  // Without the handover, the same inputs raise again.
  const fresh = engine(T0 + 1_000);
  fresh.observeTicks([tick(500_000)]);
  assert.equal(fresh.observeTicks([tick(2_100_000)]).length, 1);
  assert.equal(fresh.observeTrades([trade("9")], "ws").length, 1);
});
