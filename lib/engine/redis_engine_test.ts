/**
 * The conformance suite against a real `redis-server` started for this file,
 * plus what only Redis has: a subscriber connection killed by the server,
 * a restarted (emptied) server, and the AOF check.
 */
import assert from "node:assert/strict";
import { runEngineConformance, waitUntil } from "./engine_conformance.ts";
import { RedisEngine } from "./redis_engine.ts";
import type { EngineEvent } from "./stream_engine.ts";
import {
  redisServerAvailable,
  redisTests,
  startRedisServer,
} from "./redis_server_process.ts";

const available = redisServerAvailable();
/** One server for the file; every case gets its own key prefix. */
const tests = redisTests("RedisEngine");
const sharedServer = tests.server;
let cases = 0;

async function waitReconnected(engines: RedisEngine[], before: number[]) {
  await waitUntil(
    () =>
      engines.every((e, i) =>
        e.stats().reconnects > before[i] && e.connected &&
        e.client.status === "ready"
      ),
    "every engine reconnected",
  );
}

runEngineConformance({
  name: "RedisEngine",
  ignore: !available,
  harness: async () => {
    const redis = await sharedServer();
    const prefix = `t${++cases}:`;
    const opened: RedisEngine[] = [];
    const open = async (instance?: string, historySize = 1_000) => {
      const engine = await RedisEngine.open({
        url: redis.url,
        historySize,
        prefix,
        instance,
      });
      opened.push(engine);
      return engine;
    };
    return {
      open,
      loseData: async () => {
        await redis.command("FLUSHALL");
      },
      appendUndelivered: async (drafts) => {
        const writer = await open();
        assert.ok((await writer.publishRaw(drafts, undefined, false)).ok);
      },
      interruptConnections: async () => {
        const before = opened.map((e) => e.stats().reconnects);
        await redis.command("CLIENT", "KILL", "TYPE", "pubsub");
        await redis.command("CLIENT", "KILL", "TYPE", "normal");
        await waitReconnected(opened, before);
      },
      close: async () => {
        for (const engine of opened) await engine.close();
      },
    };
  },
});

Deno.test({
  name:
    "RedisEngine - a follower whose subscription was killed backfills what it missed",
  ignore: !available,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const redis = await sharedServer();
    const prefix = `kill${++cases}:`;
    const leader = await RedisEngine.open({
      url: redis.url,
      historySize: 100,
      prefix,
    });
    const follower = await RedisEngine.open({
      url: redis.url,
      historySize: 100,
      prefix,
    });
    try {
      const seqs: number[] = [];
      follower.subscribe((e) => e.type === "entry" && seqs.push(e.entry.seq));
      const before = follower.stats().reconnects;
      await leader.publish([{ channel: "A", data: "{}" }]);
      await waitUntil(() => seqs.length === 1, "first delivery");
      await redis.command("CLIENT", "KILL", "TYPE", "pubsub");
      // Published while the follower's subscription is down or coming back.
      for (let i = 0; i < 20; i++) {
        await leader.publish([{ channel: "A", data: "{}" }]);
      }
      await waitUntil(
        () => follower.stats().reconnects > before,
        "the follower's reconnect",
      );
      await leader.publish([{ channel: "A", data: "{}" }]);
      await waitUntil(() => seqs.length >= 22, "22 deliveries");
      assert.deepEqual(seqs, Array.from({ length: 22 }, (_, i) => i + 1));
    } finally {
      await leader.close();
      await follower.close();
    }
  },
});

Deno.test({
  name:
    "RedisEngine - a restarted Redis without data gives a new epoch to every instance",
  ignore: !available,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const redis = await startRedisServer();
    const a = await RedisEngine.open({ url: redis.url, historySize: 10 });
    const b = await RedisEngine.open({ url: redis.url, historySize: 10 });
    try {
      const events: EngineEvent[] = [];
      b.subscribe((e) => events.push(e));
      const before = a.epoch;
      await a.publish([{ channel: "A", data: "{}" }]);
      await redis.restart();
      await waitUntil(
        () => events.some((e) => e.type === "epoch") && b.epoch !== before,
        "an epoch event on b",
      );
      assert.ok(events.some((e) => e.type === "connection" && !e.connected));
      await waitUntil(() => a.connected && a.epoch !== before, "a reconnected");
      assert.equal(a.epoch, b.epoch);
      const result = await a.publish([{ channel: "A", data: "{}" }]);
      assert.ok(result.ok);
      assert.equal(result.entries[0].seq, 1);
    } finally {
      await a.close();
      await b.close();
      await redis.stop();
    }
  },
});

Deno.test({
  name: "RedisEngine - appendOnly reports the server's AOF setting",
  ignore: !available,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const redis = await sharedServer();
    const engine = await RedisEngine.open({
      url: redis.url,
      historySize: 5,
      prefix: "aof:",
    });
    try {
      assert.equal(await engine.appendOnly(), false);
    } finally {
      await engine.close();
    }
  },
});

Deno.test({
  name: "RedisEngine - an unreachable Redis rejects open without hanging",
  ignore: !available,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    await assert.rejects(
      RedisEngine.open({
        url: `redis://127.0.0.1:${port}`,
        historySize: 5,
        connectTimeoutMs: 1_000,
      }),
    );
  },
});

tests.done();
