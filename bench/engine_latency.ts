/**
 * `deno task bench:engine`: what each stream engine adds between a leader's
 * publish and a follower's listener, measured in one process so one clock
 * times both ends. Redis runs a local `redis-server` on a free port; KV uses
 * several handles on one SQLite file (a local watch does not see other
 * processes' writes) and also reports the bare commit latency. Prints one
 * JSON summary (quantiles in ms) with the load average next to it.
 *
 *     deno task bench:engine [--count=2000] [--rate=200]
 */
import { KvEngine } from "../lib/engine/kv_engine.ts";
import {
  MemoryEngine,
  MemoryEngineStore,
} from "../lib/engine/memory_engine.ts";
import { RedisEngine } from "../lib/engine/redis_engine.ts";
import type { StreamEngine } from "../lib/engine/stream_engine.ts";
import {
  redisServerAvailable,
  startRedisServer,
} from "../lib/engine/redis_server_process.ts";

/** Quantiles of a sample, ms, rounded to µs. */
export function quantiles(samples: readonly number[]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0
      ? NaN
      : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? NaN),
  };
}

/** Publishes `count` ticks at `rate`/s from `leader`; times each on `follower`. */
async function publishToDelivery(
  leader: StreamEngine,
  follower: StreamEngine,
  count: number,
  rate: number,
): Promise<Record<string, number>> {
  const sentAt = new Map<number, number>();
  const samples: number[] = [];
  let done: () => void;
  const finished = new Promise<void>((resolve) => done = resolve);
  follower.subscribe((event) => {
    if (event.type !== "entry" || event.entry.channel !== "BTC-USDT") return;
    const at = sentAt.get(event.entry.seq);
    if (at !== undefined) samples.push(performance.now() - at);
    if (samples.length >= count) done();
  });
  const start = (await leader.history("BTC-USDT", 0)).latestSeq;
  const interval = 1000 / rate;
  const began = performance.now();
  for (let i = 0; i < count; i++) {
    const due = began + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sentAt.set(start + i + 1, performance.now());
    const result = await leader.publish([{
      channel: "BTC-USDT",
      data: `{"ts":${Date.now()},"price":1}`,
    }]);
    if (!result.ok) throw new Error(`publish refused: ${result.reason}`);
  }
  await Promise.race([
    finished,
    new Promise((r) => setTimeout(r, 10_000)),
  ]);
  return quantiles(samples);
}

async function kvCommitLatency(kv: Deno.Kv, count: number) {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await kv.atomic().set(["bench", "commit", i % 10], i).commit();
    samples.push(performance.now() - t);
  }
  return quantiles(samples);
}

async function main() {
  const args = Object.fromEntries(
    Deno.args.map((a) => a.replace(/^--/, "").split("=")),
  );
  const count = Number(args.count ?? 2_000);
  const rate = Number(args.rate ?? 200);
  const report: Record<string, unknown> = {
    when: new Date().toISOString(),
    loadavg_start: Deno.loadavg(),
    count,
    rate_per_s: rate,
  };

  const store = new MemoryEngineStore({ historySize: 300 });
  report.memory = await publishToDelivery(
    new MemoryEngine({ store }),
    new MemoryEngine({ store }),
    count,
    rate,
  );

  const dir = await Deno.makeTempDir({ prefix: "sentinel-engine-bench-" });
  const path = `${dir}/bench.kv`;
  const writer = await Deno.openKv(path);
  const reader = await Deno.openKv(path);
  report.kv_commit = await kvCommitLatency(writer, Math.min(count, 1_000));
  const kvLeader = await KvEngine.open({
    kv: writer,
    historySize: 300,
    channels: ["BTC-USDT"],
  });
  const kvFollower = await KvEngine.open({
    kv: reader,
    historySize: 300,
    channels: ["BTC-USDT"],
  });
  report.kv_publish_to_watch = await publishToDelivery(
    kvLeader,
    kvFollower,
    Math.min(count, 1_000),
    Math.min(rate, 100),
  );
  await kvLeader.close();
  await kvFollower.close();
  writer.close();
  reader.close();
  await Deno.remove(dir, { recursive: true });

  if (redisServerAvailable()) {
    const redis = await startRedisServer();
    try {
      const leader = await RedisEngine.open({
        url: redis.url,
        historySize: 300,
      });
      const follower = await RedisEngine.open({
        url: redis.url,
        historySize: 300,
      });
      report.redis_publish_to_delivery = await publishToDelivery(
        leader,
        follower,
        count,
        rate,
      );
      await leader.close();
      await follower.close();
    } finally {
      await redis.stop();
    }
  } else {
    report.redis_publish_to_delivery = "redis-server is not installed";
  }
  report.loadavg_end = Deno.loadavg();
  console.log(JSON.stringify(report, null, 2));
}

if (import.meta.main) await main();
