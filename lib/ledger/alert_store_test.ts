/**
 * The Deno KV trail: the shared trail suite (a KV engine's lease fences the
 * appends, as with `STREAM_ENGINE=kv`), plus what only KV shows: the index
 * entries retention leaves behind, and two writers on one store.
 */
import assert from "node:assert/strict";
import { alertDraft, kvLeaseHolders, withKv } from "./test_utils.ts";
import { alertTrailContract } from "./alert_trail_contract.ts";
import { AlertStore } from "./alert_store.ts";

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
const DAY = 86_400_000;

const draft = alertDraft;

alertTrailContract({
  name: "AlertStore",
  fixture: async () => {
    const kv = await Deno.openKv(":memory:");
    const leases = await kvLeaseHolders(kv);
    return {
      open: () =>
        AlertStore.open(kv, { fence: (l) => leases.engine.fenceCheck(l) }),
      grant: leases.grant,
      revoke: leases.revoke,
      close: async () => {
        await leases.close();
        kv.close();
      },
    };
  },
});

Deno.test("AlertStore - prune by age deletes the alert and its index entries", async () => {
  await withKv(async (kv) => {
    const store = await AlertStore.open(kv);
    await store.append([draft(T0), draft(T0 + DAY), draft(T0 + 2 * DAY)]);
    const result = await store.prune({
      now: T0 + 3 * DAY,
      maxAgeMs: 2 * DAY,
      maxCount: 100,
    });
    assert.deepEqual(result, { deleted: 1, more: false });
    assert.equal(store.count, 2);
    assert.equal(
      (await store.list({ symbol: "BTC-USDT", kind: "whale_trade" })).alerts
        .length,
      2,
    );
    let keys = 0;
    for await (const _ of kv.list({ prefix: ["alert"] })) keys++;
    assert.equal(keys, 2 * 4, "no orphaned index entries");
  });
});

Deno.test("AlertStore - two writers on one KV never issue the same id and keep the count", async () => {
  await withKv(async (kv) => {
    const [a, b] = await Promise.all([
      AlertStore.open(kv),
      AlertStore.open(kv),
    ]);
    const written = await Promise.all(
      Array.from(
        { length: 10 },
        (_, i) => (i % 2 ? a : b).append([draft(T0), draft(T0)]),
      ),
    );
    const ids = written.flat().map((x) => x.id);
    assert.equal(new Set(ids).size, 20);
    assert.equal((await AlertStore.open(kv)).count, 20);
    assert.equal((await a.list({ limit: 500 })).alerts.length, 20);
  });
});
