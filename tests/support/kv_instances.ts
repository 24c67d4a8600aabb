/**
 * Instances of the service on one KV engine in this process, as Deno Deploy
 * runs them (a local KV watch does not see other processes, so the instances
 * share one `:memory:` handle), against an in-process simulator. For tests of
 * what `STREAM_ENGINE=kv` shares between instances.
 */
import { loadConfig } from "../../lib/config/load_config.ts";
import { createLogger } from "../../lib/observability/logger.ts";
import {
  type Sentinel,
  startSentinel,
} from "../../lib/service/sentinel_service.ts";
import {
  type RunningExchange,
  startExchange,
} from "../../lib/simulator/start_exchange.ts";

/** The simulator, the shared KV and a way to start instances on them. */
export interface KvInstances {
  readonly exchange: RunningExchange;
  /** Starts an instance; `fetch` reads the instruments listing. */
  start(instance: string, fetch?: typeof globalThis.fetch): Promise<Sentinel>;
  /** Stops every instance started (newest first), the KV and the simulator. */
  close(): Promise<void>;
}

/**
 * Starts the simulator and opens the KV; `env` adds to (or overrides) the
 * configuration every instance gets: WebSocket ingestion inline, the KV
 * engine with a 1 s lease, no candle backfill.
 */
export async function kvInstances(
  env: Record<string, string>,
): Promise<KvInstances> {
  const exchange = await startExchange({ hostname: "127.0.0.1", port: 0 });
  const kv = await Deno.openKv(":memory:");
  const result = loadConfig({
    BYBIT_API_URL: exchange.tickersUrl,
    BYBIT_WS_URL: exchange.wsUrl,
    INGEST_MODE: "ws",
    INGEST_IN_WORKER: "false",
    STREAM_ENGINE: "kv",
    LEADER_LEASE_SECONDS: "1",
    KV_PATH: ":memory:",
    CANDLES_BACKFILL_HOURS: "0",
    ...env,
  });
  if (!result.ok) {
    kv.close();
    await exchange.shutdown();
    throw new Error(result.problems.join("\n"));
  }
  const logger = createLogger({ level: "error", write: () => {} });
  const running: Sentinel[] = [];
  return {
    exchange,
    async start(instance, fetch) {
      const sentinel = await startSentinel({
        config: result.config,
        logger,
        kv,
        instance,
        loadShedding: false,
        fetch,
      });
      running.push(sentinel);
      return sentinel;
    },
    async close() {
      for (const sentinel of running.reverse()) await sentinel.shutdown();
      kv.close();
      await exchange.shutdown();
    },
  };
}
