/**
 * The threshold store on its Redis backend against a real `redis-server`:
 * overrides survive a reopen, every change is audited with the value it
 * replaced, and a change by another instance in between is read again.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import {
  type RedisServer,
  redisServerAvailable,
  startRedisServer,
} from "../engine/redis_server_process.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { RedisThresholdBackend } from "./redis_threshold_backend.ts";
import { ThresholdStore } from "./threshold_store.ts";

const available = redisServerAvailable();
let server: RedisServer | undefined;
let cases = 0;

async function withBackend(
  fn: (open: () => Promise<ThresholdStore>) => Promise<void>,
) {
  server ??= await startRedisServer();
  const client = new Redis(server.url);
  const prefix = `th${++cases}:`;
  const clock = new FakeClock();
  try {
    await fn(() =>
      ThresholdStore.open(new RedisThresholdBackend({ client, prefix }), {
        defaults: { "BTC-USDT": 50, "ETH-USDT": 20 },
        alertDefaults: { trade: { "BTC-USDT": 5 } },
        clock,
      })
    );
  } finally {
    client.disconnect();
  }
}

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({
    name: `RedisThresholdBackend - ${name}`,
    ignore: !available,
    sanitizeOps: false,
    sanitizeResources: false,
    fn,
  });

test("changes persist, are audited newest first and page by cursor", async () => {
  await withBackend(async (open) => {
    const store = await open();
    await store.update("BTC-USDT", { whale: 60, trade: 7 }, "1.1.1.1");
    await store.set("ETH-USDT", 25, "2.2.2.2");
    await store.set("BTC-USDT", 70, "1.1.1.1");
    const reopened = await open();
    assert.equal(reopened.get("BTC-USDT"), 70);
    assert.equal(reopened.get("BTC-USDT", "trade"), 7);
    assert.equal(reopened.get("ETH-USDT"), 25);
    const page = await reopened.auditPage({ limit: 2 });
    assert.deepEqual(
      page.changes.map((c) => [c.symbol, c.kind, c.previous, c.threshold]),
      [["BTC-USDT", "whale", 60, 70], ["ETH-USDT", "whale", 20, 25]],
    );
    const rest = await reopened.auditPage({ cursor: page.next_cursor! });
    assert.deepEqual(rest.changes.map((c) => c.kind).sort(), [
      "trade",
      "whale",
    ]);
    const btc = await reopened.auditPage({ symbol: "BTC-USDT" });
    assert.equal(btc.changes.length, 3);
  });
});

test("a change by another instance in between is what the next one replaces", async () => {
  await withBackend(async (open) => {
    const a = await open();
    const b = await open();
    await b.set("BTC-USDT", 80, "b");
    const [change] = await a.update("BTC-USDT", { whale: 90 }, "a");
    assert.equal(change.previous, 80);
    assert.equal((await open()).get("BTC-USDT"), 90);
  });
});

Deno.test({
  name: "RedisThresholdBackend - (stop the test server)",
  ignore: !available,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await server?.stop();
    server = undefined;
  },
});
