/**
 * `GET /api/candles` over loopback against the real service, measured with
 * `deno bench` (`deno task bench:candles`). The service runs in this process
 * on an in-memory KV seeded with full horizons of BTC-USDT bars (2 h of 1 s,
 * 7 days of 1 m, a year of 1 h) and the simulator as its upstream; each
 * bench is one request for 1,000 bars, answered as JSON and read whole. The
 * budget is under 20 ms for 1,000 bars. A second service on the same seed
 * with `CANDLES_MEMORY_MB=1` keeps only part of each horizon in memory, so
 * its long answers read the older bars from KV.
 */
import type { Candle } from "../lib/protocol/candles.ts";
import { loadConfig } from "../lib/config/load_config.ts";
import { KvCandleStore } from "../lib/ledger/kv_candle_store.ts";
import type { StoredBar } from "../lib/candles/candle_store.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { serveSentinel } from "../lib/service/serve_sentinel.ts";
import { startExchange } from "../lib/simulator/start_exchange.ts";

const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

/** `count` bars of `ms` ending before `end`, a random walk from 60,000. */
function bars(count: number, ms: number, end: number): Candle[] {
  const out: Candle[] = [];
  let price = 60_000;
  const first = Math.floor(end / ms) * ms - count * ms;
  for (let i = 0; i < count; i++) {
    const o = price;
    price *= 1 + (Math.random() - 0.5) * 0.002;
    out.push({
      t: first + i * ms,
      o,
      h: Math.max(o, price) * 1.0005,
      l: Math.min(o, price) * 0.9995,
      c: price,
      v: 12.345678,
      turnover: 740_000.1234,
      volume_source: "trades",
    });
  }
  return out;
}

const now = Date.now();
const seed: StoredBar[] = [
  ...bars(7_200, SECOND, now).map((candle) => ({
    symbol: "BTC-USDT",
    resolution: "1s" as const,
    candle,
  })),
  ...bars(10_080, MINUTE, now).map((candle) => ({
    symbol: "BTC-USDT",
    resolution: "1m" as const,
    candle,
  })),
  ...bars(8_760, HOUR, now).map((candle) => ({
    symbol: "BTC-USDT",
    resolution: "1h" as const,
    candle,
  })),
];
const exchange = await startExchange({ hostname: "127.0.0.1", port: 0 });

/** The service on its own in-memory KV holding `seed`. */
async function startService(env: Record<string, string> = {}) {
  const kv = await Deno.openKv(":memory:");
  await new KvCandleStore(kv).put(seed);
  const config = loadConfig({
    INGEST_MODE: "rest",
    BYBIT_API_URL: exchange.tickersUrl,
    PORT: "0",
    HOSTNAME: "127.0.0.1",
    KV_PATH: ":memory:",
    LOG_LEVEL: "error",
    API_RATE_LIMIT_PER_MINUTE: "1000000",
    CANDLES_BACKFILL_HOURS: "0",
    ...env,
  });
  if (!config.ok) throw new Error(config.problems.join("\n"));
  return await serveSentinel({
    config: config.config,
    logger: createLogger({ level: "error", write: () => {} }),
    kv,
  });
}

const service = await startService();
const windowed = await startService({ CANDLES_MEMORY_MB: "1" });

async function get(query: string, url = service.url): Promise<void> {
  const response = await fetch(`${url}/api/candles?${query}`);
  const body = await response.text();
  if (response.status !== 200 || body.length < 50_000) {
    throw new Error(
      `Unexpected answer ${response.status}: ${body.slice(0, 200)}`,
    );
  }
}

for (
  const [interval, name] of [
    ["1m", "1,000 × 1m (stored)"],
    ["1s", "1,000 × 1s (stored)"],
    ["15m", "672 × 15m (7 days, from 10,080 × 1m)"],
    ["4h", "1,000 × 4h (from 4,000 × 1h)"],
  ] as const
) {
  Deno.bench(`GET /api/candles ${name}`, {
    group: "candles api",
    baseline: interval === "1m",
  }, async () => {
    await get(`symbol=BTC-USDT&interval=${interval}&limit=1000`);
  });
}

for (
  const [query, name] of [
    ["interval=15m", "672 × 15m, the 1 m bars past memory read from KV"],
    ["interval=4h", "1,000 × 4h, the 1 h bars past memory read from KV"],
    [
      `interval=1s&to=${now - 30 * MINUTE}`,
      "1,000 × 1s half an hour back, all read from KV",
    ],
  ] as const
) {
  Deno.bench(`GET /api/candles ${name} (CANDLES_MEMORY_MB=1)`, {
    group: "candles api, memory windows",
  }, async () => {
    await get(`symbol=BTC-USDT&${query}&limit=1000`, windowed.url);
  });
}

Deno.bench("services.candles 1,000 × 1m + JSON, no HTTP", {
  group: "in process",
}, async () => {
  JSON.stringify(
    await service.services.candles({
      symbol: "BTC-USDT",
      interval: "1m",
      limit: 1_000,
    }),
  );
});

// deno bench has no teardown: stop everything once the benches are done.
globalThis.addEventListener("unload", () => {
  void service.shutdown();
  void windowed.shutdown();
  void exchange.shutdown();
});
