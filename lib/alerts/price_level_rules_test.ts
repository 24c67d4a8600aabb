import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import type { EngineTick } from "./alert_engine.ts";
import { PriceLevelRules } from "./price_level_rules.ts";

const T0 = 1_700_000_000_000;

const tick = (price: number, symbol = "BTC-USDT"): EngineTick => ({
  symbol,
  price,
  volume: 0,
  upstream_ts: T0,
  source: "ws",
});

Deno.test("PriceLevelRules - one draft per crossing, the armed state reported to persist", () => {
  const clock = new FakeClock(T0);
  const rules = new PriceLevelRules({
    hysteresis: 0.01,
    cooldownMs: 0,
    clock,
  });
  rules.set({
    id: "a",
    symbol: "BTC-USDT",
    price: 100,
    direction: "above",
    armed: true,
  });
  rules.set({
    id: "b",
    symbol: "ETH-USDT",
    price: 5,
    direction: "below",
    armed: true,
  });
  const first = rules.observeTicks([
    tick(99),
    tick(100.5),
    tick(101),
    tick(6, "ETH-USDT"),
  ]);
  assert.deepEqual(first.drafts, [{
    symbol: "BTC-USDT",
    kind: "price_level",
    price: 100.5,
    notional: 100.5,
    threshold: 100,
    direction: "above",
    source: "ws",
    at: T0,
  }]);
  assert.deepEqual(first.changed, [{ id: "a", armed: false }]);
  clock.advance(1_000);
  const back = rules.observeTicks([tick(99.5), tick(98.9)]);
  assert.deepEqual(back, { drafts: [], changed: [{ id: "a", armed: true }] });
  const again = rules.observeTicks([tick(100)]);
  assert.equal(again.drafts.length, 1);
  assert.deepEqual(rules.stats(), {
    raised: { "BTC-USDT": 2 },
    suppressed: {},
  });
});

Deno.test("PriceLevelRules - the cooldown per alert suppresses and counts", () => {
  const clock = new FakeClock(T0);
  const rules = new PriceLevelRules({
    hysteresis: 0,
    cooldownMs: 30_000,
    clock,
  });
  rules.set({
    id: "a",
    symbol: "BTC-USDT",
    price: 100,
    direction: "above",
    armed: true,
  });
  rules.set({
    id: "c",
    symbol: "BTC-USDT",
    price: 150,
    direction: "above",
    armed: true,
  });
  assert.equal(
    rules.observeTicks([tick(100), tick(99), tick(100)]).drafts.length,
    1,
  );
  assert.equal(
    rules.observeTicks([tick(150)]).drafts.length,
    1,
    "another alert is not held back",
  );
  clock.advance(30_000);
  rules.observeTicks([tick(99)]);
  assert.equal(rules.observeTicks([tick(100)]).drafts.length, 1);
  assert.deepEqual(rules.stats().suppressed, { "BTC-USDT": 1 });
});

Deno.test("PriceLevelRules - removed alerts are not judged; a new one without reference only arms", () => {
  const rules = new PriceLevelRules();
  rules.set({
    id: "a",
    symbol: "BTC-USDT",
    price: 100,
    direction: "below",
    armed: null,
  });
  assert.deepEqual(rules.observeTicks([tick(90)]), {
    drafts: [],
    changed: [{ id: "a", armed: false }],
  });
  assert.equal(rules.get("a")!.armed, false);
  rules.remove("a");
  assert.deepEqual(rules.observeTicks([tick(200), tick(50)]).drafts, []);
  assert.throws(() => new PriceLevelRules({ hysteresis: 1 }), RangeError);
});
