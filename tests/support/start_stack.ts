/**
 * Starts the simulator and the service in-process on loopback ports chosen by
 * the OS, wired together, with an in-memory KV and captured logs. Each test
 * gets its own stack; `stop()` tears everything down.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config/load_config.ts";
import type {
  DiagnosticsResponse,
  MetricsResponse,
} from "../../lib/protocol/api_types.ts";
import type { SocketLayerKind } from "../../lib/config/config_schema.ts";
import {
  startExchange,
  type StartExchangeOptions,
} from "../../lib/simulator/start_exchange.ts";
import { createLogger } from "../../lib/observability/logger.ts";
import {
  type ServedSentinel,
  serveSentinel,
} from "../../lib/service/serve_sentinel.ts";

export { pollUntil } from "./poll_until.ts";

/** Options of {@linkcode startStack}. */
export interface StackOptions {
  /** Environment overrides for the service (strings, as in `.env`). */
  readonly env?: Record<string, string>;
  /** Simulator seed. Default 7. */
  readonly seed?: number;
  /** KV store to use (to test persistence across restarts). Default: a fresh in-memory one. */
  readonly kv?: Deno.Kv;
  /** Heartbeat frame interval, ms. */
  readonly heartbeatMs?: number;
  /**
   * Let the fan-out governor thin broadcasts under load. Default false: the
   * tests assert every live tick, and a loaded test machine would otherwise
   * see thinning (intended) as gaps. The governor has its own tests.
   */
  readonly loadShedding?: boolean;
  /** The socket layer (`SOCKET_LAYER`). Default: the service's default. */
  readonly socketLayer?: SocketLayerKind;
  /** Simulator options (e.g. `wsPushIntervalMs`); host, port and seed are set here. */
  readonly exchange?: Omit<StartExchangeOptions, "hostname" | "port" | "seed">;
}

/** A running simulator + service pair. */
export interface Stack {
  readonly exchange: Awaited<ReturnType<typeof startExchange>>;
  readonly service: ServedSentinel;
  readonly kv: Deno.Kv;
  /** Base ws:// URL of the service. */
  readonly wsUrl: string;
  /** JSON log records the service wrote. */
  readonly logs: Record<string, unknown>[];
  /** Stops the service (and the simulator and KV unless kept). */
  stop(options?: { keepExchange?: boolean; keepKv?: boolean }): Promise<void>;
}

/** Starts a stack; fast polling by default so tests see ticks quickly. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const exchange = await startExchange({
    ...options.exchange,
    hostname: "127.0.0.1",
    port: 0,
    seed: options.seed ?? 7,
  });
  return await startServiceAgainst(exchange, options);
}

/**
 * Starts a service against an already running simulator. Ingestion polls REST
 * unless `env` sets `INGEST_MODE=ws`; either way both upstream URLs point at
 * the simulator, so nothing leaves the machine. Tests poll the API every
 * 25 ms and open many sockets and pages, so the rate limits are lifted
 * unless `env` sets them (as the rate limits' own tests do). The candle
 * backfill is off unless `env` sets `CANDLES_BACKFILL_HOURS`.
 */
export async function startServiceAgainst(
  exchange: Stack["exchange"],
  options: StackOptions = {},
): Promise<Stack> {
  const result = loadConfig({
    INGEST_MODE: "rest",
    BYBIT_API_URL: exchange.tickersUrl,
    BYBIT_WS_URL: exchange.wsUrl,
    STREAM_HEARTBEAT_DELAY: "0.05",
    CONNECTION_TIMEOUT_SECONDS: "2",
    PORT: "0",
    HOSTNAME: "127.0.0.1",
    LOG_LEVEL: "debug",
    KV_PATH: ":memory:",
    API_RATE_LIMIT_PER_MINUTE: "1000000",
    HANDSHAKE_RATE_LIMIT_PER_MINUTE: "1000000",
    PAGE_RATE_LIMIT_PER_MINUTE: "1000000",
    // Stacks start without history unless a test asks for the backfill, so
    // kline requests never take a fault meant for the tickers.
    CANDLES_BACKFILL_HOURS: "0",
    ...(options.socketLayer ? { SOCKET_LAYER: options.socketLayer } : {}),
    ...options.env,
  });
  if (!result.ok) throw new Error(result.problems.join("\n"));
  const kv = options.kv ?? await Deno.openKv(":memory:");
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    write: (line) => logs.push(JSON.parse(line)),
  });
  const service = await serveSentinel({
    config: result.config,
    logger,
    kv,
    heartbeatMs: options.heartbeatMs,
    loadShedding: options.loadShedding ?? false,
  });
  return {
    exchange,
    service,
    kv,
    logs,
    wsUrl: service.url.replace(/^http/, "ws"),
    stop: async (stopOptions = {}) => {
      await service.shutdown();
      if (!stopOptions.keepKv) kv.close();
      if (!stopOptions.keepExchange) await exchange.shutdown();
    },
  };
}

/** The stack's `/api/diagnostics`; a refused request fails with its body. */
export async function readDiagnostics(
  stack: Stack,
): Promise<DiagnosticsResponse> {
  return await readApi(stack, "/api/diagnostics");
}

/** The stack's `/api/metrics`; a refused request fails with its body. */
export async function readMetrics(stack: Stack): Promise<MetricsResponse> {
  return await readApi(stack, "/api/metrics");
}

async function readApi<T>(stack: Stack, path: string): Promise<T> {
  const response = await fetch(`${stack.service.url}${path}`);
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body;
}
