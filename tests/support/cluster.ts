/**
 * Several service processes on one Redis and one simulator, as `deno task
 * cluster` runs them: for the tests of "many instances, one stream". Each
 * instance is a real `main.ts` process (so SIGKILL and SIGSTOP are real),
 * sharing a port with `REUSE_PORT` and reachable on its own one
 * (`INSTANCE_PORT=0`), which the tests use to pick an instance.
 */
import {
  type RunningExchange,
  startExchange,
} from "../../lib/simulator/start_exchange.ts";
import type { EngineDiagnostics } from "../../lib/protocol/api_types.ts";
import { pollUntil } from "./poll_until.ts";
import {
  freePort,
  type RedisServer,
  redisServerAvailable,
  startRedisServer,
} from "./redis_server.ts";
import { type ServiceProcess, spawnService } from "./service_process.ts";

/**
 * Registers `Deno.test("cluster - <name>")`, skipped where `redis-server` is
 * not installed; real processes outlive a test's ops, so no sanitizers.
 */
export function clusterTest(name: string, fn: () => Promise<void>): void {
  Deno.test({
    name: `cluster - ${name}`,
    ignore: !redisServerAvailable(),
    sanitizeOps: false,
    sanitizeResources: false,
    fn,
  });
}

/** The admin token the cluster's instances accept. */
export const CLUSTER_ADMIN_TOKEN = "cluster-test-admin-token";

/** One instance of a {@linkcode TestCluster}. */
export interface ClusterInstance {
  readonly name: string;
  readonly process: ServiceProcess;
  /** This instance's own base URL (http). */
  readonly url: string;
  /** ws:// base URL of this instance. */
  readonly wsUrl: string;
}

/** A running cluster. */
export interface TestCluster {
  readonly redis: RedisServer;
  readonly exchange: RunningExchange;
  readonly instances: ClusterInstance[];
  /** Starts one more instance (e.g. to replace a killed one). */
  add(name: string): Promise<ClusterInstance>;
  /** The engine section of `name`'s diagnostics. */
  engine(instance: ClusterInstance): Promise<EngineDiagnostics>;
  /** Waits until exactly one live instance leads; returns it. */
  leader(exclude?: readonly ClusterInstance[]): Promise<ClusterInstance>;
  /** Stops every instance, the simulator and Redis. */
  stop(): Promise<void>;
}

/** Options of {@linkcode startCluster}. */
export interface ClusterOptions {
  /** Instances to start. Default 3. */
  readonly instances?: number;
  /** Extra environment of every instance. */
  readonly env?: Record<string, string>;
}

/** Starts Redis, the simulator and the instances, waiting for a leader. */
export async function startCluster(
  options: ClusterOptions = {},
): Promise<TestCluster> {
  const redis = await startRedisServer();
  const exchange = await startExchange({
    hostname: "127.0.0.1",
    port: 0,
    seed: 7,
  });
  const sharedPort = freePort();
  const instances: ClusterInstance[] = [];
  const add = async (name: string) => {
    const process = await spawnService({
      INGEST_MODE: "ws",
      BYBIT_API_URL: exchange.tickersUrl,
      BYBIT_WS_URL: exchange.wsUrl,
      STREAM_HEARTBEAT_DELAY: "0.1",
      CONNECTION_TIMEOUT_SECONDS: "2",
      HOSTNAME: "127.0.0.1",
      PORT: String(sharedPort),
      REUSE_PORT: "true",
      INSTANCE_PORT: "0",
      INSTANCE_ID: name,
      STREAM_ENGINE: "redis",
      REDIS_URL: redis.url,
      LEADER_LEASE_SECONDS: "2",
      // History long enough to replay a whole test's stream (20 ticks/s).
      HISTORY_SIZE: "5000",
      KV_PATH: ":memory:",
      API_RATE_LIMIT_PER_MINUTE: "1000000",
      HANDSHAKE_RATE_LIMIT_PER_MINUTE: "1000000",
      PAGE_RATE_LIMIT_PER_MINUTE: "1000000",
      ADMIN_TOKEN: CLUSTER_ADMIN_TOKEN,
      LOG_LEVEL: "debug",
      ...options.env,
    });
    const url = process.instanceUrl ?? process.url;
    const instance = {
      name,
      process,
      url,
      wsUrl: url.replace(/^http/, "ws"),
    };
    instances.push(instance);
    return instance;
  };
  const engine = async (instance: ClusterInstance) => {
    const response = await fetch(`${instance.url}/api/diagnostics`);
    const body = await response.json();
    return body.engine as EngineDiagnostics;
  };
  const cluster: TestCluster = {
    redis,
    exchange,
    instances,
    add,
    engine,
    leader: (exclude = []) =>
      pollUntil(
        async () => {
          const live = instances.filter((i) => !exclude.includes(i));
          const roles = await Promise.all(
            live.map((i) => engine(i).then((e) => e.role, () => "down")),
          );
          const leaders = live.filter((_, i) => roles[i] === "leader");
          return leaders.length === 1 ? leaders[0] : undefined;
        },
        "exactly one leader",
        20_000,
      ),
    stop: async () => {
      await Promise.all(
        instances.map((i) => i.process.stop("SIGKILL").catch(() => {})),
      );
      await exchange.shutdown();
      await redis.stop();
    },
  };
  try {
    const count = options.instances ?? 3;
    for (let i = 1; i <= count; i++) await add(`node-${i}`);
    await cluster.leader();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
