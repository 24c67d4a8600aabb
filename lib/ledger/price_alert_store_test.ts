import assert from "node:assert/strict";
import {
  PriceAlertLimitError,
  PriceAlertNotFoundError,
} from "../alerts/price_alert_errors.ts";
import {
  MAX_PRICE_ALERTS_PER_SYMBOL,
  PriceAlertStore,
  publicPriceAlert,
} from "./price_alert_store.ts";
import { ThresholdStore } from "./threshold_store.ts";
import { FakeClock } from "../clock/fake_clock.ts";

const T0 = 1_700_000_000_000;

async function setup(kv?: Deno.Kv) {
  kv ??= await Deno.openKv(":memory:");
  const clock = new FakeClock(T0);
  const audit = await ThresholdStore.open(kv, {
    defaults: { "BTC-USDT": 1, "ETH-USDT": 1 },
    clock,
  });
  const store = await PriceAlertStore.open({ kv, audit, clock });
  return { kv, audit, store };
}

Deno.test("PriceAlertStore - create and delete are stored and audited with the caller's IP", async () => {
  const { kv, audit, store } = await setup();
  try {
    const alert = await store.add(
      { symbol: "BTC-USDT", price: 65_000, direction: "above" },
      true,
      "10.0.0.1",
    );
    assert.deepEqual(publicPriceAlert(alert), {
      id: alert.id,
      symbol: "BTC-USDT",
      price: 65_000,
      direction: "above",
      created: new Date(T0).toISOString(),
      armed: true,
    });
    const reopened = await PriceAlertStore.open({ kv, audit });
    assert.deepEqual(reopened.list(), [alert], "persisted");
    await store.remove(alert.id, "10.0.0.2");
    assert.deepEqual(store.list(), []);
    assert.deepEqual((await PriceAlertStore.open({ kv, audit })).list(), []);
    const trail = (await audit.auditPage()).changes;
    assert.deepEqual(
      trail.map((
        c,
      ) => [c.kind, c.action, c.alert_id, c.previous, c.threshold, c.actor_ip]),
      [
        ["price_alert", "delete", alert.id, 65_000, 0, "10.0.0.2"],
        ["price_alert", "create", alert.id, 0, 65_000, "10.0.0.1"],
      ],
    );
    assert.equal(trail[0].direction, "above");
  } finally {
    kv.close();
  }
});

Deno.test("PriceAlertStore - unknown ids and the per-symbol bound are domain errors", async () => {
  const { kv, store } = await setup();
  try {
    await assert.rejects(
      () => store.remove("nope", "ip"),
      PriceAlertNotFoundError,
    );
    await Promise.all(
      Array.from(
        { length: MAX_PRICE_ALERTS_PER_SYMBOL + 1 },
        (_, i) =>
          store.add(
            { symbol: "ETH-USDT", price: 1 + i, direction: "below" },
            null,
            "ip",
          )
            .catch((e) => e),
      ),
    ).then((results) => {
      const refused = results.filter((r) => r instanceof PriceAlertLimitError);
      assert.equal(
        refused.length,
        1,
        "concurrent creates still respect the bound",
      );
      assert.match(refused[0].message, /At most 20 price alerts on ETH-USDT/);
    });
    assert.equal(store.list().length, MAX_PRICE_ALERTS_PER_SYMBOL);
  } finally {
    kv.close();
  }
});

Deno.test("PriceAlertStore - the armed state is persisted, never for a deleted alert", async () => {
  const { kv, audit, store } = await setup();
  try {
    const alert = await store.add(
      { symbol: "BTC-USDT", price: 1, direction: "above" },
      null,
      "ip",
    );
    await store.setArmed(alert.id, false);
    assert.equal(
      (await PriceAlertStore.open({ kv, audit })).get(alert.id)!.armed,
      false,
    );
    const removing = store.remove(alert.id, "ip");
    const arming = store.setArmed(alert.id, true);
    await Promise.all([removing, arming]);
    assert.equal(
      (await kv.get(["price_alert", alert.id])).value,
      null,
      "not resurrected",
    );
  } finally {
    kv.close();
  }
});
