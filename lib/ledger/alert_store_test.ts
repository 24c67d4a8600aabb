import assert from "node:assert/strict";
import { alertDraft, withKv } from "./test_utils.ts";
import type { AlertDraft } from "../alerts/alert_draft.ts";
import type { AlertKind } from "../protocol/frames.ts";
import { AlertStore } from "./alert_store.ts";

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
const DAY = 86_400_000;

const draft = alertDraft;

/** Ten alerts a second apart, alternating symbols and kinds. */
function mixed(): AlertDraft[] {
  const kinds: AlertKind[] = ["whale_trade", "volume_spike"];
  return Array.from({ length: 10 }, (_, i) =>
    draft(
      T0 + i * 1_000,
      i % 2 === 0 ? "BTC-USDT" : "ETH-USDT",
      kinds[Math.floor(i / 2) % 2],
    ));
}

Deno.test("AlertStore - append stores frames with increasing ids and ISO times", async () => {
  await withKv(async (kv) => {
    const store = await AlertStore.open(kv);
    const [a, b] = await store.append([draft(T0), draft(T0)]);
    assert.ok(a.id < b.id);
    assert.deepEqual(a, {
      type: "alert",
      id: a.id,
      time: "2024-01-02T03:04:05.006Z",
      symbol: "BTC-USDT",
      kind: "whale_trade",
      price: 60_000,
      notional: 300_000,
      threshold: 250_000,
      side: "Buy",
      source: "simulator",
    });
    assert.equal(store.count, 2);
    const page = await store.list();
    assert.deepEqual(page.alerts.map((x) => x.id), [b.id, a.id]);
    assert.equal(page.next_cursor, null);
  });
});

Deno.test("AlertStore - cursor pages walk every alert once, newest first", async () => {
  await withKv(async (kv) => {
    const store = await AlertStore.open(kv);
    const stored = await store.append(
      Array.from({ length: 23 }, (_, i) => draft(T0 + i)),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.list({ limit: 5, cursor });
      seen.push(...page.alerts.map((a) => a.id));
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor);
    assert.equal(pages, 5);
    assert.deepEqual(seen, stored.map((a) => a.id).reverse());
  });
});

Deno.test("AlertStore - a page exactly as long as what is left has no next cursor", async () => {
  await withKv(async (kv) => {
    const store = await AlertStore.open(kv);
    await store.append([draft(T0), draft(T0 + 1), draft(T0 + 2)]);
    assert.equal((await store.list({ limit: 3 })).next_cursor, null);
    const first = await store.list({ limit: 2 });
    assert.ok(first.next_cursor);
    const last = await store.list({ limit: 2, cursor: first.next_cursor });
    assert.equal(last.alerts.length, 1);
    assert.equal(last.next_cursor, null);
  });
});

Deno.test("AlertStore - filters by symbol, kind, both, and time range", async () => {
  await withKv(async (kv) => {
    const store = await AlertStore.open(kv);
    const all = await store.append(mixed());
    const ids = async (query: Parameters<AlertStore["list"]>[0]) =>
      (await store.list(query)).alerts.map((a) =>
        all.indexOf(
          all.find((x) => x.id === a.id)!,
        )
      );
    assert.deepEqual(await ids({ symbol: "ETH-USDT" }), [9, 7, 5, 3, 1]);
    assert.deepEqual(await ids({ kind: "volume_spike" }), [7, 6, 3, 2]);
    assert.deepEqual(
      await ids({ symbol: "BTC-USDT", kind: "volume_spike" }),
      [6, 2],
    );
    assert.deepEqual(
      await ids({ since: T0 + 3_000, until: T0 + 6_000 }),
      [5, 4, 3],
      "since inclusive, until exclusive",
    );
    assert.deepEqual(
      await ids({ symbol: "BTC-USDT", since: T0 + 4_000, limit: 2 }),
      [8, 6],
    );
    assert.deepEqual(await ids({ since: T0 + 5_000, until: T0 + 5_000 }), []);
    assert.deepEqual(await ids({ symbol: "SOL-USDT" }), []);
  });
});

Deno.test("AlertStore - filtered pagination continues within the filter", async () => {
  await withKv(async (kv) => {
    const store = await AlertStore.open(kv);
    await store.append(mixed());
    const first = await store.list({ symbol: "BTC-USDT", limit: 3 });
    const second = await store.list({
      symbol: "BTC-USDT",
      limit: 3,
      cursor: first.next_cursor!,
    });
    const symbols = [...first.alerts, ...second.alerts].map((a) => a.symbol);
    assert.deepEqual(symbols, Array(5).fill("BTC-USDT"));
    assert.equal(second.next_cursor, null);
  });
});

Deno.test("AlertStore - ids continue after a reopen, even with the clock behind", async () => {
  await withKv(async (kv) => {
    const first = await AlertStore.open(kv);
    const [before] = await first.append([draft(T0 + 60_000)]);
    const second = await AlertStore.open(kv);
    const [after] = await second.append([draft(T0)]);
    assert.ok(after.id > before.id, `${after.id} > ${before.id}`);
    assert.equal(after.time, new Date(T0).toISOString(), "time stays true");
    assert.equal(second.count, 2);
  });
});

Deno.test("AlertStore - ids never go back even after retention deleted everything", async () => {
  await withKv(async (kv) => {
    const first = await AlertStore.open(kv);
    const [old] = await first.append([draft(T0)]);
    const pruned = await first.prune({
      now: T0 + 10 * DAY,
      maxAgeMs: DAY,
      maxCount: 100,
    });
    assert.deepEqual(pruned, { deleted: 1, more: false });
    assert.equal((await first.list()).alerts.length, 0);
    const second = await AlertStore.open(kv);
    const [next] = await second.append([draft(T0 - DAY)]);
    assert.ok(next.id > old.id);
  });
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

Deno.test("AlertStore - prune by count keeps the newest", async () => {
  await withKv(async (kv) => {
    const store = await AlertStore.open(kv);
    const all = await store.append(
      Array.from({ length: 10 }, (_, i) => draft(T0 + i)),
    );
    const result = await store.prune({
      now: T0,
      maxAgeMs: DAY,
      maxCount: 4,
    });
    assert.deepEqual(result, { deleted: 6, more: false });
    assert.deepEqual(
      (await store.list()).alerts.map((a) => a.id),
      all.slice(6).map((a) => a.id).reverse(),
    );
    assert.equal((await AlertStore.open(kv)).count, 4, "count persisted");
  });
});

Deno.test("AlertStore - prune work per run is bounded and reports more to do", async () => {
  await withKv(async (kv) => {
    const store = await AlertStore.open(kv);
    await store.append(Array.from({ length: 250 }, (_, i) => draft(T0 + i)));
    const options = { now: T0, maxAgeMs: DAY, maxCount: 10, maxDeletes: 150 };
    assert.deepEqual(await store.prune(options), { deleted: 150, more: true });
    assert.deepEqual(await store.prune(options), { deleted: 90, more: false });
    assert.deepEqual(await store.prune(options), { deleted: 0, more: false });
    assert.equal(store.count, 10);
  });
});

Deno.test("AlertStore - iterate streams every match in batches", async () => {
  await withKv(async (kv) => {
    const store = await AlertStore.open(kv);
    await store.append(Array.from({ length: 450 }, (_, i) => draft(T0 + i)));
    let n = 0;
    let previous = "~";
    for await (const alert of store.iterate({}, 100)) {
      assert.ok(alert.id < previous);
      previous = alert.id;
      n++;
    }
    assert.equal(n, 450);
  });
});

Deno.test("AlertStore - a bad page size is refused", async () => {
  await withKv(async (kv) => {
    const store = await AlertStore.open(kv);
    for (const limit of [0, 501, 1.5]) {
      await assert.rejects(() => store.list({ limit }), RangeError);
    }
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
