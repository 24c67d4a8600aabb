/**
 * The Redis trail against a real `redis-server`: the same page, filter,
 * cursor and retention behaviour as the KV trail, plus idempotency keys and
 * the leader's fence.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import type { AlertKind } from "../protocol/frames.ts";
import { RedisAlertStore } from "./redis_alert_store.ts";
import { redisTests } from "../engine/redis_server_process.ts";
import { alertDraft } from "./test_utils.ts";

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
const redis = redisTests("RedisAlertStore");
let cases = 0;

const draft = alertDraft;

async function withStore(
  fn: (store: RedisAlertStore, client: Redis, prefix: string) => Promise<void>,
) {
  const client = new Redis((await redis.server()).url);
  const prefix = `trail${++cases}:`;
  try {
    await fn(await RedisAlertStore.open({ client, prefix }), client, prefix);
  } finally {
    client.disconnect();
  }
}

const test = (name: string, fn: () => Promise<void>) => redis.test(name, fn);

test("pages newest first with filters and cursors", async () => {
  await withStore(async (store) => {
    const kinds: AlertKind[] = ["whale_trade", "volume_spike"];
    const stored = await store.append(
      Array.from(
        { length: 10 },
        (_, i) =>
          draft(
            T0 + i * 1_000,
            i % 2 ? "ETH-USDT" : "BTC-USDT",
            kinds[i % 3 ? 0 : 1],
          ),
      ),
    );
    assert.equal(store.count, 10);
    const first = await store.list({ limit: 4 });
    assert.deepEqual(
      first.alerts.map((a) => a.id),
      stored.slice(6).reverse().map((a) => a.id),
    );
    assert.equal(first.next_cursor, stored[6].id);
    const second = await store.list({ limit: 4, cursor: first.next_cursor! });
    assert.deepEqual(
      second.alerts.map((a) => a.id),
      stored.slice(2, 6).reverse().map((a) => a.id),
    );
    const eth = await store.list({ symbol: "ETH-USDT" });
    assert.deepEqual(
      eth.alerts.map((a) => a.id),
      stored.filter((a) => a.symbol === "ETH-USDT").reverse().map((a) => a.id),
    );
    const spikes = await store.list({
      symbol: "BTC-USDT",
      kind: "volume_spike",
    });
    assert.ok(
      spikes.alerts.every((a) =>
        a.symbol === "BTC-USDT" && a.kind === "volume_spike"
      ),
    );
    const window = [];
    for await (
      const a of store.iterate({ since: T0 + 2_000, until: T0 + 5_000 }, 2)
    ) window.push(a.id);
    assert.deepEqual(window, stored.slice(2, 5).reverse().map((a) => a.id));
  });
});

test("an idempotency key stores an alert once, and a stale fence stores nothing", async () => {
  await withStore(async (store, client, prefix) => {
    const fence = { token: 3, holder: "a", expiresAt: 0 };
    await client.set(`${prefix}lease`, "a|3");
    const one = await store.appendOnce(
      [{ key: "k1", draft: draft(T0) }],
      fence,
    );
    const two = await store.appendOnce([{ key: "k1", draft: draft(T0) }, {
      key: "k2",
      draft: draft(T0 + 1),
    }], fence);
    assert.ok(one.ok && two.ok);
    assert.equal(one.stored.length, 1);
    assert.deepEqual(two.stored.map((a) => a.time), [
      new Date(T0 + 1).toISOString(),
    ]);
    await client.set(`${prefix}lease`, "b|4");
    const stale = await store.appendOnce(
      [{ key: "k3", draft: draft(T0 + 2) }],
      fence,
    );
    assert.deepEqual(stale, { ok: false, reason: "fenced" });
    assert.equal((await store.list()).alerts.length, 2);
  });
});

test("prunes by age and by count, in bounded runs", async () => {
  await withStore(async (store) => {
    await store.append(
      Array.from({ length: 10 }, (_, i) => draft(T0 + i * 60_000)),
    );
    const byAge = await store.prune({
      now: T0 + 10 * 60_000,
      maxAgeMs: 5 * 60_000 + 1,
      maxCount: 100,
    });
    assert.equal(byAge.deleted, 5);
    assert.equal(byAge.more, false);
    const byCount = await store.prune({
      now: T0,
      maxAgeMs: 1e12,
      maxCount: 2,
      maxDeletes: 2,
    });
    assert.deepEqual(byCount, { deleted: 2, more: true });
    const rest = await store.prune({ now: T0, maxAgeMs: 1e12, maxCount: 2 });
    assert.deepEqual(rest, { deleted: 1, more: false });
    assert.equal(store.count, 2);
    assert.equal((await store.list()).alerts.length, 2);
  });
});

test("ids continue after a reopen", async () => {
  await withStore(async (store, client, prefix) => {
    const [a] = await store.append([draft(T0)]);
    const reopened = await RedisAlertStore.open({ client, prefix });
    const [b] = await reopened.append([draft(T0 - 5_000)]);
    assert.ok(b.id > a.id);
    assert.equal(reopened.count, 2);
  });
});

redis.done();
