/**
 * `deno task cluster [--instances=3] [--port=8000]`: a local cluster for a
 * demo of "many instances, one stream". Starts the exchange simulator, a
 * `redis-server` (Debian's package, with AOF, on a free port; or the one
 * `REDIS_URL` names) and N service instances that share one port
 * (`REUSE_PORT=true`, the kernel spreads connections over them), each also
 * on its own port (`--port` + 1 … + N) so you can open a page on a given
 * instance, kill the leader and watch the others carry on. Ctrl-C stops
 * everything. Other variables in the environment configure the instances.
 */
import { serviceRunArgs } from "./service_args.ts";
import { startExchange } from "../lib/simulator/start_exchange.ts";
import {
  REDIS_SERVER_PATH,
  redisServerAvailable,
  startRedisServer,
} from "../lib/engine/redis_server_process.ts";

/** Parsed flags of the cluster script. */
export interface ClusterFlags {
  readonly instances: number;
  readonly port: number;
}

/** Parses `--instances=N` (1–16) and `--port=P`; throws a `RangeError` naming the flag. */
export function parseClusterFlags(args: readonly string[]): ClusterFlags {
  let instances = 3;
  let port = 8000;
  for (const arg of args) {
    const [name, value] = arg.replace(/^--/, "").split("=");
    const number = Number(value);
    if (name === "instances") {
      if (!Number.isInteger(number) || number < 1 || number > 16) {
        throw new RangeError(`--instances must be 1 to 16, got ${value}`);
      }
      instances = number;
    } else if (name === "port") {
      if (!Number.isInteger(number) || number < 1 || number > 65_000) {
        throw new RangeError(`--port must be 1 to 65000, got ${value}`);
      }
      port = number;
    } else {
      throw new RangeError(
        `unknown flag ${arg} (use --instances=N and --port=P)`,
      );
    }
  }
  return { instances, port };
}

const log = (msg: string, fields: Record<string, unknown> = {}) =>
  console.log(
    JSON.stringify({ time: new Date().toISOString(), msg, ...fields }),
  );

/** Copies a child's output lines to ours, prefixed with its name. */
async function relay(name: string, stream: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of stream) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop()!;
    for (const line of lines) console.log(`[${name}] ${line}`);
  }
}

async function main(): Promise<number> {
  let flags: ClusterFlags;
  try {
    flags = parseClusterFlags(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const env = Deno.env.toObject();
  let redisUrl = env.REDIS_URL;
  let stopRedis = async () => {};
  if (!redisUrl) {
    if (!redisServerAvailable()) {
      console.error(
        `redis-server not found at ${REDIS_SERVER_PATH}. Install Debian's package ` +
          "(apt-get install redis-server) or point REDIS_URL at a running Redis.",
      );
      return 1;
    }
    const redis = await startRedisServer({
      args: ["--appendonly", "yes"],
      ownSession: true,
    });
    redisUrl = redis.url;
    stopRedis = () => redis.stop("SIGTERM");
    log("Local redis-server running (AOF on)", {
      url: redis.url,
      pid: redis.pid,
    });
  }
  const exchange = await startExchange({
    hostname: "127.0.0.1",
    port: 0,
    seed: 42,
  });
  log("Simulated exchange running (demo data, not Bybit)", {
    url: exchange.url,
  });

  const children: Deno.ChildProcess[] = [];
  const relays: Promise<void>[] = [];
  for (let i = 1; i <= flags.instances; i++) {
    const name = `node-${i}`;
    const child = new Deno.Command(Deno.execPath(), {
      args: serviceRunArgs(),
      cwd: new URL("../", import.meta.url),
      env: {
        KV_PATH: `./data/cluster-${name}.kv`,
        STREAM_HEARTBEAT_DELAY: "0.25",
        ...env,
        STREAM_ENGINE: "redis",
        REDIS_URL: redisUrl,
        REUSE_PORT: "true",
        PORT: String(flags.port),
        INSTANCE_PORT: String(flags.port + i),
        INSTANCE_ID: name,
        BYBIT_API_URL: exchange.tickersUrl,
        BYBIT_WS_URL: exchange.wsUrl,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    children.push(child);
    relays.push(relay(name, child.stdout), relay(name, child.stderr));
    log("Instance started", {
      instance: name,
      pid: child.pid,
      url: `http://127.0.0.1:${flags.port + i}/`,
    });
  }
  log("Cluster up: every instance serves the shared port; each also its own", {
    shared_url: `http://127.0.0.1:${flags.port}/`,
    instances: children.map((c, i) => ({
      instance: `node-${i + 1}`,
      pid: c.pid,
      url: `http://127.0.0.1:${flags.port + i + 1}/`,
    })),
    hint:
      "kill -9 the leader's pid (see /api/diagnostics → engine.role) and watch a page on another instance",
  });

  const stopped = new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(signal, () => resolve());
    }
  });
  await Promise.race([stopped, Promise.all(children.map((c) => c.status))]);
  log("Stopping the cluster");
  for (const child of children) {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone (killed by hand during the demo).
    }
  }
  await Promise.all(children.map((c) => c.status));
  await Promise.all(relays);
  await exchange.shutdown();
  await stopRedis();
  return 0;
}

if (import.meta.main) Deno.exit(await main());
