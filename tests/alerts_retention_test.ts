/**
 * Retention inside the running service: the background timer keeps the trail
 * at its configured size while alerts keep coming, and stops with the
 * service (the op sanitizer fails the test if a timer outlives shutdown).
 */
import assert from "node:assert/strict";
import { loadConfig } from "../lib/config/load_config.ts";
import { startExchange } from "../lib/simulator/start_exchange.ts";
import { AlertStore } from "../lib/ledger/alert_store.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { startSentinel } from "../lib/service/sentinel_service.ts";
import { pollUntil } from "./support/poll_until.ts";

Deno.test({
  name:
    "alerts retention - the trail stays within ALERT_RETENTION_COUNT while alerts flow",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const exchange = await startExchange({ hostname: "127.0.0.1", port: 0 });
  const kv = await Deno.openKv(":memory:");
  const result = loadConfig({
    BYBIT_API_URL: exchange.tickersUrl,
    INGEST_MODE: "rest",
    STREAM_HEARTBEAT_DELAY: "0.05",
    KV_PATH: ":memory:",
    SPIKE_WINDOW_SECONDS: "0.2",
    SPIKE_THRESHOLDS: "BTC-USDT=1,ETH-USDT=1,SOL-USDT=1,1000SATS-USDT=1",
    ALERT_COOLDOWN_SECONDS: "0",
    ALERT_RETENTION_COUNT: "5",
  });
  if (!result.ok) throw new Error(result.problems.join("\n"));
  const sentinel = await startSentinel({
    config: result.config,
    logger: createLogger({ level: "error", write: () => {} }),
    kv,
    retentionIntervalMs: 100,
  });
  try {
    const metrics = () => sentinel.services.metrics().alerts!;
    await pollUntil(
      () => metrics().stored_total >= 15,
      "fifteen alerts stored",
    );
    await pollUntil(
      () => metrics().trail_size <= 5,
      "retention to bring the trail back to five",
    );
    const store = await AlertStore.open(kv);
    const page = await store.list({ limit: 500 });
    assert.ok(page.alerts.length <= 5 + 10, `${page.alerts.length} kept`);
    assert.ok(metrics().stored_total > page.alerts.length);
  } finally {
    await sentinel.shutdown();
    kv.close();
    await exchange.shutdown();
  }
});
