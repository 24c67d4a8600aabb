import assert from "node:assert/strict";
import { candleStoreContract } from "../candles/candle_store_contract.ts";
import { kvLeaseHolders } from "./test_utils.ts";
import { KvCandleStore } from "./kv_candle_store.ts";

candleStoreContract("KvCandleStore", async () => {
  const kv = await Deno.openKv(":memory:");
  return { store: new KvCandleStore(kv), close: () => kv.close() };
});

candleStoreContract(
  "KvCandleStore (fenced by the KV engine's lease)",
  async () => {
    const kv = await Deno.openKv(":memory:");
    const leases = await kvLeaseHolders(kv);
    return {
      store: new KvCandleStore(kv, { fence: leases.check }),
      fence: {
        grant: async () => void await leases.grant(),
        revoke: leases.revoke,
      },
      close: async () => {
        await leases.close();
        kv.close();
      },
    };
  },
  { fenced: true },
);

Deno.test("KvCandleStore - a damaged value is skipped, not returned", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await kv.set(["candle", "A", "1m", 60_000], "junk");
    await kv.set(["candle", "A", "1m", 180_000], new Uint8Array(10));
    await kv.set(["candle", "A", "1m", 120_000], [1, 2, 0.5, 1.5, 3, 4, 1]);
    const store = new KvCandleStore(kv);
    const bars = [];
    for await (const bar of store.load("A", "1m", 0)) bars.push(bar);
    assert.deepEqual(bars, [{
      t: 120_000,
      o: 1,
      h: 2,
      l: 0.5,
      c: 1.5,
      v: 3,
      turnover: 4,
      volume_source: "trades",
    }]);
  } finally {
    kv.close();
  }
});

/** Every bar `store` returns for one series. */
async function loadAll(
  store: KvCandleStore,
  symbol: string,
  from = 0,
  before?: number,
) {
  const bars = [];
  for await (const bar of store.load(symbol, "1s", from, before)) {
    bars.push(bar);
  }
  return bars;
}

Deno.test("KvCandleStore - 1 s bars are kept in time order, read per symbol, and trimmed for every symbol at once", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new KvCandleStore(kv);
    const bar = (t: number, c: number) => ({
      t,
      o: c,
      h: c,
      l: c,
      c,
      v: 1,
      turnover: c,
      volume_source: "trades" as const,
    });
    // A and B every second for 30 s; B has a gap from 10 s to 20 s.
    await store.put(
      Array.from({ length: 30 }, (_, i) => i * 1_000).flatMap((t) => [
        { symbol: "A", resolution: "1s" as const, candle: bar(t, 1) },
        ...(t >= 10_000 && t < 20_000
          ? []
          : [{ symbol: "B", resolution: "1s" as const, candle: bar(t, 2) }]),
      ]),
    );
    const keys = [];
    for await (
      const entry of kv.list({ prefix: ["candle_1s"] }, { limit: 3 })
    ) {
      keys.push(entry.key);
    }
    assert.deepEqual(keys, [["candle_1s", 0, "A"], ["candle_1s", 0, "B"], [
      "candle_1s",
      1_000,
      "A",
    ]]);
    assert.equal((await loadAll(store, "A")).length, 30);
    assert.deepEqual(
      (await loadAll(store, "B", 5_500, 25_000)).map((b) => b.t / 1_000),
      [6, 7, 8, 9, 20, 21, 22, 23, 24],
      "from rounds up to a second, before is exclusive, the gap stays a gap",
    );
    assert.deepEqual(await loadAll(store, "C"), []);
    await assert.rejects(
      () =>
        store.put([{ symbol: "A", resolution: "1s", candle: bar(1_500, 1) }]),
      RangeError,
    );
    assert.deepEqual(await store.deleteBefore("A", "1s", 5_000, 7), {
      deleted: 7,
      more: true,
    });
    assert.deepEqual(await store.deleteBefore("B", "1s", 5_000, 7), {
      deleted: 3,
      more: false,
    });
    assert.equal((await loadAll(store, "A"))[0].t, 5_000);
    assert.equal((await loadAll(store, "B"))[0].t, 5_000);
  } finally {
    kv.close();
  }
});

Deno.test("KvCandleStore - 1 s bars an earlier version kept per series are still read, merged in order, and trimmed", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    // The earlier layout: ["candle", symbol, "1s", t].
    for (const t of [0, 1_000, 2_000]) {
      await kv.set(["candle", "A", "1s", t], [1, 1, 1, 1, 1, 1, 1]);
    }
    const store = new KvCandleStore(kv);
    await store.put([2_000, 3_000].map((t) => ({
      symbol: "A",
      resolution: "1s" as const,
      candle: { t, o: 9, h: 9, l: 9, c: 9, v: 1, turnover: 9 },
    })));
    assert.deepEqual(
      (await loadAll(store, "A")).map((b) => [b.t / 1_000, b.c]),
      [[0, 1], [1, 1], [2, 9], [3, 9]],
      "the newer layout wins a tie",
    );
    assert.deepEqual(await store.deleteBefore("A", "1s", 3_000, 100), {
      deleted: 4,
      more: false,
    });
    assert.deepEqual((await loadAll(store, "A")).map((b) => b.t), [3_000]);
  } finally {
    kv.close();
  }
});
