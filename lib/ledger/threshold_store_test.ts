import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { withKv } from "./test_utils.ts";
import { AUDIT_ID_PATTERN } from "../alerts/audit_id.ts";
import { ThresholdStore } from "./threshold_store.ts";

const DEFAULTS = { "BTC-USDT": 50_000_000, "ETH-USDT": 20_000_000 };
const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 6);

Deno.test("ThresholdStore - starts from the configured defaults", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, { defaults: DEFAULTS });
    assert.deepEqual(store.all(), DEFAULTS);
    assert.equal(store.get("BTC-USDT"), 50_000_000);
    assert.equal(store.get("DOGE-USDT"), undefined);
    assert.deepEqual(await store.audit(), []);
  });
});

Deno.test("ThresholdStore - a change is persisted and reloaded", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      clock: new FakeClock(T0),
    });
    const change = await store.set("BTC-USDT", 1_234, "10.0.0.9");
    assert.equal(store.get("BTC-USDT"), 1_234);
    assert.deepEqual(
      { ...change, id: undefined },
      {
        id: undefined,
        time: "2024-01-02T03:04:05.006Z",
        symbol: "BTC-USDT",
        kind: "whale",
        previous: 50_000_000,
        threshold: 1_234,
        actor_ip: "10.0.0.9",
      },
    );

    const reloaded = await ThresholdStore.open(kv, { defaults: DEFAULTS });
    assert.deepEqual(reloaded.all(), {
      "BTC-USDT": 1_234,
      "ETH-USDT": 20_000_000,
    });
  });
});

Deno.test("ThresholdStore - stored values for untracked symbols or bad values are ignored", async () => {
  await withKv(async (kv) => {
    await kv.set(["threshold", "DOGE-USDT"], 5);
    await kv.set(["threshold", "BTC-USDT"], -5);
    await kv.set(["threshold", "ETH-USDT"], "lots");
    const store = await ThresholdStore.open(kv, { defaults: DEFAULTS });
    assert.deepEqual(store.all(), DEFAULTS);
  });
});

Deno.test("ThresholdStore - an untracked symbol is refused and nothing is written", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, { defaults: DEFAULTS });
    await assert.rejects(
      () => store.set("DOGE-USDT", 5, "10.0.0.9"),
      RangeError,
    );
    assert.deepEqual(await store.audit(), []);
    assert.equal((await kv.get(["threshold", "DOGE-USDT"])).value, null);
  });
});

Deno.test("ThresholdStore - audit lists changes newest first, limited", async () => {
  await withKv(async (kv) => {
    const clock = new FakeClock(T0);
    const store = await ThresholdStore.open(kv, { defaults: DEFAULTS, clock });
    for (const value of [1, 2, 3, 4]) {
      await store.set("ETH-USDT", value, "10.0.0.9");
      clock.advance(1_000);
    }
    const audit = await store.audit();
    assert.deepEqual(audit.map((c) => c.threshold), [4, 3, 2, 1]);
    assert.deepEqual(audit.map((c) => c.previous), [3, 2, 1, 20_000_000]);
    assert.deepEqual(
      (await store.audit(2)).map((c) => c.threshold),
      [4, 3],
    );
  });
});

Deno.test("ThresholdStore - audit stays newest first for changes in the same millisecond", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      clock: new FakeClock(T0),
    });
    for (let value = 1; value <= 20; value++) {
      await store.set("BTC-USDT", value, "10.0.0.9");
    }
    const audit = await store.audit();
    assert.deepEqual(
      audit.map((c) => c.threshold),
      Array.from({ length: 20 }, (_, i) => 20 - i),
    );
    const reloaded = await ThresholdStore.open(kv, { defaults: DEFAULTS });
    assert.equal(reloaded.get("BTC-USDT"), 20);
  });
});

Deno.test("ThresholdStore - audit survives a restart and stays ordered across it", async () => {
  await withKv(async (kv) => {
    const first = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      clock: new FakeClock(T0),
    });
    await first.set("BTC-USDT", 10, "a");
    const second = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      clock: new FakeClock(T0 + 1),
    });
    await second.set("BTC-USDT", 20, "b");
    assert.deepEqual(
      (await second.audit()).map((c) => c.actor_ip),
      ["b", "a"],
    );
  });
});

Deno.test("ThresholdStore - concurrent changes are audited in call order", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      clock: new FakeClock(T0),
    });
    await Promise.all(
      [1, 2, 3, 4, 5].map((v) => store.set("ETH-USDT", v, "10.0.0.9")),
    );
    assert.deepEqual(
      (await store.audit()).map((c) => c.threshold),
      [5, 4, 3, 2, 1],
    );
  });
});

Deno.test("ThresholdStore - concurrent changes each record the value they replaced", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      clock: new FakeClock(T0),
    });
    await Promise.all(
      [1, 2, 3].map((v) => store.set("ETH-USDT", v, "10.0.0.9")),
    );
    const oldestFirst = (await store.audit()).reverse();
    assert.deepEqual(
      oldestFirst.map((c) => [c.previous, c.threshold]),
      [[20_000_000, 1], [1, 2], [2, 3]],
    );
    assert.equal(store.get("ETH-USDT"), 3);
  });
});

Deno.test("ThresholdStore - a change by another instance on the same KV is the next change's previous", async () => {
  await withKv(async (kv) => {
    const first = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      clock: new FakeClock(T0),
    });
    const second = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      clock: new FakeClock(T0 + 1),
    });
    await first.set("BTC-USDT", 7, "a");
    const change = await second.set("BTC-USDT", 9, "b");
    assert.equal(change.previous, 7);
    assert.equal((await kv.get(["threshold", "BTC-USDT"])).value, 9);
  });
});

Deno.test("ThresholdStore - a change that lost a race is read again and recorded after the winner", async () => {
  await withKv(async (kv) => {
    // Another writer commits between this store's read and its commit.
    let raced = false;
    const racing = new Proxy(kv, {
      get(target, key) {
        if (key === "getMany") {
          return async (keys: Deno.KvKey[]) => {
            const entries = await target.getMany(keys);
            if (!raced) {
              raced = true;
              await target.set(["threshold", "BTC-USDT"], 11);
            }
            return entries;
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const raceAware = await ThresholdStore.open(racing, {
      defaults: DEFAULTS,
      clock: new FakeClock(T0),
    });
    const change = await raceAware.set("BTC-USDT", 12, "b");
    assert.equal(change.previous, 11);
    assert.equal(raceAware.get("BTC-USDT"), 12);
    const audit = await raceAware.audit();
    assert.deepEqual(audit.map((c) => c.threshold), [12]);
  });
});

Deno.test("ThresholdStore - ids stay ordered after a restart within the same moment", async () => {
  await withKv(async (kv) => {
    const first = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      clock: new FakeClock(T0),
    });
    for (let value = 1; value <= 5; value++) {
      await first.set("BTC-USDT", value, "a");
    }
    const second = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      clock: new FakeClock(T0 + 1),
    });
    await second.set("BTC-USDT", 99, "b");
    const audit = await second.audit();
    assert.equal(audit[0].threshold, 99);
    assert.equal(audit[0].time, new Date(T0 + 1).toISOString());
  });
});

Deno.test("ThresholdStore - a failed commit changes neither value nor audit", async () => {
  await withKv(async (kv) => {
    // A KV whose atomic commits are refused, as after a failed check.
    let commits = 0;
    const refusedOp = {
      check: () => refusedOp,
      set: () => refusedOp,
      commit: () => (commits++, Promise.resolve({ ok: false })),
    };
    const refusing = {
      list: kv.list.bind(kv),
      getMany: kv.getMany.bind(kv),
      atomic: () => refusedOp,
    } as unknown as Deno.Kv;
    const store = await ThresholdStore.open(refusing, { defaults: DEFAULTS });
    await assert.rejects(
      () => store.set("BTC-USDT", 7, "10.0.0.9"),
      /not committed: 5 attempts conflicted/,
    );
    assert.equal(commits, 5);
    assert.equal(store.get("BTC-USDT"), 50_000_000);
    assert.deepEqual(await store.audit(), []);
    assert.equal((await kv.get(["threshold", "BTC-USDT"])).value, null);
  });
});

const ALERT_DEFAULTS = {
  trade: { "BTC-USDT": 250_000, "ETH-USDT": 100_000 },
  spike: { "BTC-USDT": 4_000_000, "ETH-USDT": 1_500_000 },
};

Deno.test("ThresholdStore - trade and spike lines have their own defaults and keys", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      alertDefaults: ALERT_DEFAULTS,
      clock: new FakeClock(T0),
    });
    assert.deepEqual(store.all("trade"), ALERT_DEFAULTS.trade);
    assert.equal(store.get("ETH-USDT", "spike"), 1_500_000);
    await store.update("BTC-USDT", { trade: 1_000 }, "10.0.0.9");
    assert.equal(store.get("BTC-USDT", "trade"), 1_000);
    assert.equal(store.get("BTC-USDT"), 50_000_000, "whale line untouched");
    assert.equal((await kv.get(["threshold_trade", "BTC-USDT"])).value, 1_000);
    assert.equal((await kv.get(["threshold", "BTC-USDT"])).value, null);
    const reloaded = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      alertDefaults: ALERT_DEFAULTS,
    });
    assert.equal(reloaded.get("BTC-USDT", "trade"), 1_000);
    assert.equal(reloaded.get("BTC-USDT", "spike"), 4_000_000);
  });
});

Deno.test("ThresholdStore - one update changes several kinds atomically, one audit entry each", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, {
      defaults: DEFAULTS,
      alertDefaults: ALERT_DEFAULTS,
      clock: new FakeClock(T0),
    });
    const changes = await store.update(
      "ETH-USDT",
      { whale: 1, trade: 2, spike: 3 },
      "10.0.0.9",
    );
    assert.deepEqual(
      changes.map((c) => [c.kind, c.previous, c.threshold]),
      [["whale", 20_000_000, 1], ["trade", 100_000, 2], [
        "spike",
        1_500_000,
        3,
      ]],
    );
    assert.deepEqual(
      (await store.audit()).map((c) => c.kind),
      ["spike", "trade", "whale"],
    );
  });
});

Deno.test("ThresholdStore - an update naming an untracked kind writes nothing", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, { defaults: DEFAULTS });
    await assert.rejects(
      () => store.update("BTC-USDT", { whale: 5, trade: 5 }, "10.0.0.9"),
      /trade threshold/,
    );
    assert.equal(store.get("BTC-USDT"), 50_000_000);
    assert.deepEqual(await store.audit(), []);
  });
});

Deno.test("ThresholdStore - entries written before kinds existed read as whale changes", async () => {
  await withKv(async (kv) => {
    await kv.set(["audit", "threshold", "00lr0bqh9a-0a1b2c3d"], {
      id: "00lr0bqh9a-0a1b2c3d",
      time: "2024-01-02T03:04:05.006Z",
      symbol: "BTC-USDT",
      previous: 1,
      threshold: 2,
      actor_ip: "10.0.0.9",
    });
    const store = await ThresholdStore.open(kv, { defaults: DEFAULTS });
    assert.equal((await store.audit())[0].kind, "whale");
  });
});

Deno.test("ThresholdStore - audit pages follow the cursor and filter by symbol", async () => {
  await withKv(async (kv) => {
    const clock = new FakeClock(T0);
    const store = await ThresholdStore.open(kv, { defaults: DEFAULTS, clock });
    for (let value = 1; value <= 7; value++) {
      await store.set(value % 2 ? "BTC-USDT" : "ETH-USDT", value, "a");
      clock.advance(1_000);
    }
    const first = await store.auditPage({ limit: 3 });
    assert.deepEqual(first.changes.map((c) => c.threshold), [7, 6, 5]);
    const second = await store.auditPage({
      limit: 3,
      cursor: first.next_cursor!,
    });
    assert.deepEqual(second.changes.map((c) => c.threshold), [4, 3, 2]);
    const third = await store.auditPage({
      limit: 3,
      cursor: second.next_cursor!,
    });
    assert.deepEqual(third.changes.map((c) => c.threshold), [1]);
    assert.equal(third.next_cursor, null);
    const btc = await store.auditPage({ symbol: "BTC-USDT", limit: 3 });
    assert.deepEqual(btc.changes.map((c) => c.threshold), [7, 5, 3]);
    const rest = await store.auditPage({
      symbol: "BTC-USDT",
      limit: 3,
      cursor: btc.next_cursor!,
    });
    assert.deepEqual(rest.changes.map((c) => c.threshold), [1]);
    assert.match(first.changes[0].id, AUDIT_ID_PATTERN);
  });
});

Deno.test("ThresholdStore - adopt takes another instance's change without writing", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, {
      defaults: { "BTC-USDT": 5 },
    });
    store.adopt("BTC-USDT", { whale: 9 });
    store.adopt("NOPE-USDT", { whale: 9 });
    store.adopt("BTC-USDT", { trade: 3 });
    assert.equal(store.get("BTC-USDT"), 9);
    assert.deepEqual(await store.audit(), []);
  });
});

Deno.test("ThresholdStore - a symbol tracked at runtime gets its stored override back", async () => {
  await withKv(async (kv) => {
    const first = await ThresholdStore.open(kv, {
      defaults: { ...DEFAULTS, "XRP-USDT-PERP": 1 },
      alertDefaults: { liquidation: { "XRP-USDT-PERP": 100_000 } },
    });
    await first.update("XRP-USDT-PERP", {
      whale: 7_000_000,
      liquidation: 250_000,
    }, "10.0.0.9");
    // The next run starts without it; the listing brings it back later.
    const store = await ThresholdStore.open(kv, { defaults: DEFAULTS });
    assert.equal(store.get("XRP-USDT-PERP"), undefined);
    assert.deepEqual(
      store.track("XRP-USDT-PERP", {
        whale: 1_000_000,
        trade: 25_000,
        liquidation: 100_000,
      }),
      { whale: 7_000_000, trade: 25_000, liquidation: 250_000 },
    );
    assert.equal(store.get("XRP-USDT-PERP", "liquidation"), 250_000);
    assert.equal(store.get("XRP-USDT-PERP", "spike"), undefined);
    store.untrack("XRP-USDT-PERP");
    assert.equal(store.get("XRP-USDT-PERP"), undefined);
    assert.equal(store.all("liquidation")["XRP-USDT-PERP"], undefined);
    await assert.rejects(
      store.update("XRP-USDT-PERP", { whale: 1 }, "10.0.0.9"),
      /not tracked/,
    );
  });
});
