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
