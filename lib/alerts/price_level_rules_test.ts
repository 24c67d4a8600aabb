import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import type { EngineTick } from "./alert_engine.ts";
import { type PriceLevel, PriceLevelRules } from "./price_level_rules.ts";

const T0 = 1_700_000_000_000;

/** A price-level alert for the rules. */
const level = (
  id: string,
  symbol: string,
  price: number,
  direction: "above" | "below",
  armed: boolean | null,
): PriceLevel => ({ id, symbol, price, direction, armed });

/** Rules on a fake clock at `T0`. */
function rulesWith(hysteresis: number, cooldownMs: number) {
  const clock = new FakeClock(T0);
  return {
    clock,
    rules: new PriceLevelRules({ hysteresis, cooldownMs, clock }),
  };
}

const tick = (price: number, symbol = "BTC-USDT"): EngineTick => ({
  symbol,
  price,
  volume: 0,
  upstream_ts: T0,
  source: "ws",
});

Deno.test("PriceLevelRules - one draft per crossing, the armed state reported to persist", () => {
  const { clock, rules } = rulesWith(0.01, 0);
  rules.set(level("a", "BTC-USDT", 100, "above", true));
  rules.set(level("b", "ETH-USDT", 5, "below", true));
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
  const { clock, rules } = rulesWith(0, 30_000);
  rules.set(level("a", "BTC-USDT", 100, "above", true));
  rules.set(level("c", "BTC-USDT", 150, "above", true));
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
  rules.set(level("a", "BTC-USDT", 100, "below", null));
  assert.deepEqual(rules.observeTicks([tick(90)]), {
    drafts: [],
    changed: [{ id: "a", armed: false }],
  });
  assert.equal(rules.get("a")!.armed, false);
  rules.remove("a");
  assert.deepEqual(rules.observeTicks([tick(200), tick(50)]).drafts, []);
  assert.throws(() => new PriceLevelRules({ hysteresis: 1 }), RangeError);
});

Deno.test("PriceLevelRules - a new leader adopting the handover neither fires a fired alert again nor forgets its cooldown", () => {
  const old = rulesWith(0.01, 60_000);
  old.rules.set(level("a", "BTC-USDT", 100, "above", true));
  old.rules.set(level("b", "BTC-USDT", 50, "below", true));
  assert.equal(old.rules.observeTicks([tick(101)]).drafts.length, 1);
  const state = JSON.parse(JSON.stringify(old.rules.handover()));
  assert.deepEqual(state, {
    a: { armed: false, lastFired: T0 },
    b: { armed: true },
  });

  // The new leader loaded the store before the fire was written there.
  const next = rulesWith(0.01, 60_000);
  next.rules.set(level("a", "BTC-USDT", 100, "above", true));
  next.rules.set(level("b", "BTC-USDT", 50, "below", null));
  next.rules.adopt(state);
  assert.equal(next.rules.get("a")!.armed, false);
  assert.equal(next.rules.get("b")!.armed, true);
  assert.deepEqual(next.rules.observeTicks([tick(102)]).drafts, []);
  // Re-armed past the hysteresis, the cooldown still holds it back.
  next.rules.observeTicks([tick(98)]);
  assert.deepEqual(next.rules.observeTicks([tick(101)]).drafts, []);
  assert.equal(next.rules.stats().suppressed["BTC-USDT"], 1);
  next.clock.advance(60_000);
  next.rules.observeTicks([tick(98)]);
  assert.equal(next.rules.observeTicks([tick(101)]).drafts.length, 1);
});
