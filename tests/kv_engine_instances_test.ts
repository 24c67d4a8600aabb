/**
 * `STREAM_ENGINE=kv` as Deno Deploy runs it: several instances of the
 * service on one KV (here two in one process, sharing one handle, since a
 * local KV watch does not see other processes). The leader builds the bars
 * and judges the price levels; the other serves the same candles, sees a
 * price alert created on either at once, and gets each alert once; when
 * the leader stops, the other builds on. Awaited with deadlines.
 */
import assert from "node:assert/strict";
import type { Candle } from "../lib/protocol/candles.ts";
import type { Sentinel } from "../lib/service/sentinel_service.ts";
import { kvInstances } from "./support/kv_instances.ts";
import { pollUntil } from "./support/poll_until.ts";

const LEVEL = 151;

Deno.test({
  name:
    "kv engine - two instances on one KV: one builds the bars, both serve them; a price alert is shared and fires once; the other builds on when the leader stops",
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const stack = await kvInstances({
    ALERT_HYSTERESIS_PERCENT: "1",
    ALERT_COOLDOWN_SECONDS: "0",
    ADMIN_TOKEN: "kv-engine-instances-token",
  });
  const exchange = stack.exchange;
  const a = await stack.start("kv-a");
  const b = await stack.start("kv-b");
  try {
    const role = (s: Sentinel) => s.services.diagnostics().engine?.role;
    const leader = await pollUntil(
      () => [a, b].find((s) => role(s) === "leader"),
      "a leader",
    );
    const follower = leader === a ? b : a;
    const bars = (s: Sentinel) =>
      s.services.recentCandles("SOL-USDT", "1s", 1_000).candles;
    const closed = (list: readonly Candle[]) =>
      JSON.stringify(list.slice(0, -3));
    await pollUntil(
      () =>
        bars(follower).length > 6 &&
        closed(bars(follower)) === closed(bars(leader)),
      "the same bars on both",
      20_000,
    );

    // A price alert created on the follower: listed by the leader at once.
    const near = (s: Sentinel, price: number) =>
      Math.abs(
        (s.services.symbols().symbols.find((x) => x.symbol === "SOL-USDT")?.tick
          ?.price ?? 0) - price,
      ) < 0.2;
    exchange.exchange.market.setPrice("SOLUSDT", 150);
    await pollUntil(() => near(follower, 150), "SOL near 150", 20_000);
    const alert = await follower.services.addPriceAlert(
      { symbol: "SOL-USDT", price: LEVEL, direction: "above" },
      "10.0.0.9",
    );
    assert.deepEqual(
      (await leader.services.listPriceAlerts()).price_alerts.map((x) => x.id),
      [alert.id],
    );
    await pollUntil(
      () => leader.services.priceAlerts().price_alerts.length === 1,
      "the leader's rules to have it",
    );
    exchange.exchange.market.setPrice("SOLUSDT", 151.5);
    const fired = async (s: Sentinel) =>
      (await s.services.listAlerts({ kind: "price_level", limit: 100 })).alerts;
    await pollUntil(
      async () => (await fired(follower)).length === 1,
      "the alert",
      20_000,
    );
    await pollUntil(
      () =>
        follower.services.alerts().alerts.some((x) => x.kind === "price_level"),
      "the alert delivered to the follower",
    );

    // The leader stops; the follower leads and builds on, firing nothing again.
    const before = bars(follower);
    await leader.shutdown();
    await pollUntil(() => role(follower) === "leader", "the follower leads");
    await pollUntil(
      () =>
        bars(follower).some((x) => x.t > before[before.length - 1].t + 2_000),
      "bars after the takeover",
      20_000,
    );
    const after = bars(follower);
    for (let i = 1; i < after.length; i++) {
      assert.ok(after[i].t > after[i - 1].t);
    }
    assert.equal((await fired(follower)).length, 1);
  } finally {
    await stack.close();
  }
});
