import assert from "node:assert/strict";
import { ThresholdStore } from "./threshold_store.ts";

const DEFAULTS = { "BTC-USDT": 50_000_000, "ETH-USDT": 20_000_000 };
const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 6);

async function withKv(fn: (kv: Deno.Kv) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

Deno.test("ThresholdStore - starts from the configured defaults", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, DEFAULTS);
    assert.deepEqual(store.all(), DEFAULTS);
    assert.equal(store.get("BTC-USDT"), 50_000_000);
    assert.equal(store.get("DOGE-USDT"), undefined);
    assert.deepEqual(await store.audit(), []);
  });
});

Deno.test("ThresholdStore - a change is persisted and reloaded", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, DEFAULTS, () => T0);
    const change = await store.set("BTC-USDT", 1_234, "10.0.0.9");
    assert.equal(store.get("BTC-USDT"), 1_234);
    assert.deepEqual(
      { ...change, id: undefined },
      {
        id: undefined,
        time: "2024-01-02T03:04:05.006Z",
        symbol: "BTC-USDT",
        previous: 50_000_000,
        threshold: 1_234,
        actor_ip: "10.0.0.9",
      },
    );

    const reloaded = await ThresholdStore.open(kv, DEFAULTS);
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
    const store = await ThresholdStore.open(kv, DEFAULTS);
    assert.deepEqual(store.all(), DEFAULTS);
  });
});

Deno.test("ThresholdStore - an untracked symbol is refused and nothing is written", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, DEFAULTS);
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
    let now = T0;
    const store = await ThresholdStore.open(kv, DEFAULTS, () => now);
    for (const value of [1, 2, 3, 4]) {
      await store.set("ETH-USDT", value, "10.0.0.9");
      now += 1_000;
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
    const store = await ThresholdStore.open(kv, DEFAULTS, () => T0);
    for (let value = 1; value <= 20; value++) {
      await store.set("BTC-USDT", value, "10.0.0.9");
    }
    const audit = await store.audit();
    assert.deepEqual(
      audit.map((c) => c.threshold),
      Array.from({ length: 20 }, (_, i) => 20 - i),
    );
    const reloaded = await ThresholdStore.open(kv, DEFAULTS);
    assert.equal(reloaded.get("BTC-USDT"), 20);
  });
});

Deno.test("ThresholdStore - audit survives a restart and stays ordered across it", async () => {
  await withKv(async (kv) => {
    const first = await ThresholdStore.open(kv, DEFAULTS, () => T0);
    await first.set("BTC-USDT", 10, "a");
    const second = await ThresholdStore.open(kv, DEFAULTS, () => T0 + 1);
    await second.set("BTC-USDT", 20, "b");
    assert.deepEqual(
      (await second.audit()).map((c) => c.actor_ip),
      ["b", "a"],
    );
  });
});

Deno.test("ThresholdStore - concurrent changes are audited in call order", async () => {
  await withKv(async (kv) => {
    const store = await ThresholdStore.open(kv, DEFAULTS, () => T0);
    await Promise.all(
      [1, 2, 3, 4, 5].map((v) => store.set("ETH-USDT", v, "10.0.0.9")),
    );
    assert.deepEqual(
      (await store.audit()).map((c) => c.threshold),
      [5, 4, 3, 2, 1],
    );
  });
});

Deno.test("ThresholdStore - ids stay ordered after a restart within the same moment", async () => {
  await withKv(async (kv) => {
    const first = await ThresholdStore.open(kv, DEFAULTS, () => T0);
    for (let value = 1; value <= 5; value++) {
      await first.set("BTC-USDT", value, "a");
    }
    const second = await ThresholdStore.open(kv, DEFAULTS, () => T0 + 1);
    await second.set("BTC-USDT", 99, "b");
    const audit = await second.audit();
    assert.equal(audit[0].threshold, 99);
    assert.equal(audit[0].time, new Date(T0 + 1).toISOString());
  });
});

Deno.test("ThresholdStore - a failed commit changes neither value nor audit", async () => {
  await withKv(async (kv) => {
    // A KV whose atomic commits are refused, as after a failed check.
    const refusedOp = {
      set: () => refusedOp,
      commit: () => Promise.resolve({ ok: false }),
    };
    const refusing = {
      list: kv.list.bind(kv),
      atomic: () => refusedOp,
    } as unknown as Deno.Kv;
    const store = await ThresholdStore.open(refusing, DEFAULTS);
    await assert.rejects(
      () => store.set("BTC-USDT", 7, "10.0.0.9"),
      /not committed/,
    );
    assert.equal(store.get("BTC-USDT"), 50_000_000);
    assert.deepEqual(await store.audit(), []);
    assert.equal((await kv.get(["threshold", "BTC-USDT"])).value, null);
  });
});
