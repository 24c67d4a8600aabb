/**
 * How each benchmark target is launched: the service on either socket layer
 * (with the exchange simulator in front of it) and the four peers. This is the seam where the
 * service plugs in — it is started exactly as in production
 * (`deno run --allow-all main.ts`) with the environment below, and measured
 * like any peer once `GET /api/health` answers.
 */
import { serviceRunArgs } from "../scripts/service_args.ts";
import type { BenchTarget } from "./bench_targets.ts";

/** One process of a target, started in order. */
export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Polled until it answers 2xx before the next process starts. */
  readonly readyUrl: string;
  /** `server` is the process whose CPU and memory are measured. */
  readonly role: "server" | "simulator";
}

/** Everything needed to start and load one target. */
export interface TargetLaunch {
  readonly kind: BenchTarget;
  /** Base URL the load generator targets. */
  readonly url: string;
  readonly processes: readonly ProcessSpec[];
}

/** Ports and binaries for {@linkcode targetLaunch}. */
export interface LaunchContext {
  /** Ticks per second per symbol (the service polls every 1/rate s). */
  readonly rate: number;
  /** Port for the measured server. */
  readonly port: number;
  /** Port for the exchange simulator (service only). */
  readonly simulatorPort: number;
  /** Path of the `deno` binary. */
  readonly deno: string;
  /** Path or name of the `node` binary. */
  readonly node: string;
  /** V8 flags for the service (never the peers), `--v8-flags=` form. */
  readonly serviceV8Flags?: string;
}

/**
 * `MAX_SOCKETS_PER_IP` for the service: every generated socket comes from
 * 127.0.0.1, so the per-IP cap must admit all of them, with headroom over the
 * largest run.
 */
export const SENTINEL_MAX_SOCKETS_PER_IP = 20_000;

/** Files the service target needs; until they exist it is skipped. */
export const SENTINEL_FILES = ["main.ts", "lib/simulator/main.ts"] as const;

const HOST = "127.0.0.1";

/** The launch description of `kind` with the given ports. */
export function targetLaunch(
  kind: BenchTarget,
  context: LaunchContext,
): TargetLaunch {
  const { rate, port, deno, node } = context;
  const url = `http://${HOST}:${port}`;
  const health = `${url}/api/health`;
  const peerArgs = [`--port=${port}`, `--hostname=${HOST}`, `--rate=${rate}`];
  switch (kind) {
    case "sentinel":
    case "sentinel-deno": {
      const layer = kind === "sentinel" ? "ws" : "deno";
      return {
        kind,
        url,
        processes: [
          simulatorSpec(deno, context.simulatorPort, rate),
          {
            name: "sentinel",
            command: deno,
            args: serviceRunArgs({ extraV8Flags: context.serviceV8Flags }),
            env: {
              ...serviceEnv(port, context.simulatorPort, rate),
              SOCKET_LAYER: layer,
            },
            readyUrl: health,
            role: "server",
          },
        ],
      };
    }
    case "bare":
      return {
        kind,
        url,
        processes: [{
          name: "bare_deno",
          command: deno,
          args: ["run", "--allow-net", "bench/peers/bare_deno.ts", ...peerArgs],
          env: {},
          readyUrl: health,
          role: "server",
        }],
      };
    case "ws-deno":
      // The very file of the `ws` peer, on Deno's `node:http` (its `ws`
      // comes from bench/peers/node_modules, like under Node).
      return {
        kind,
        url,
        processes: [{
          name: "node_ws (deno)",
          command: deno,
          args: ["run", "--allow-all", "bench/peers/node_ws.mjs", ...peerArgs],
          env: {},
          readyUrl: health,
          role: "server",
        }],
      };
    case "ws":
    case "socketio": {
      const name = kind === "ws" ? "node_ws" : "socketio";
      return {
        kind,
        url,
        processes: [{
          name,
          command: node,
          args: [`bench/peers/${name}.mjs`, ...peerArgs],
          env: {},
          readyUrl: health,
          role: "server",
        }],
      };
    }
  }
}

/**
 * The service's environment for a benchmark: listening on `port`, fed by the
 * simulator on `simulatorPort` at `rate` ticks/s per symbol, every socket
 * admitted from loopback, quiet logs, nothing kept on disk.
 */
export function serviceEnv(
  port: number,
  simulatorPort: number,
  rate: number,
): Record<string, string> {
  const sim = `http://${HOST}:${simulatorPort}`;
  return {
    PORT: String(port),
    HOSTNAME: HOST,
    BYBIT_API_URL: `${sim}/v5/market/tickers`,
    BYBIT_WS_URL: `${sim.replace(/^http/, "ws")}/v5/public/spot`,
    STREAM_HEARTBEAT_DELAY: String(1 / rate),
    MAX_SOCKETS_PER_IP: String(SENTINEL_MAX_SOCKETS_PER_IP),
    API_RATE_LIMIT_PER_MINUTE: "100000",
    // Every generated socket and page load comes from 127.0.0.1.
    HANDSHAKE_RATE_LIMIT_PER_MINUTE: "1000000",
    PAGE_RATE_LIMIT_PER_MINUTE: "1000000",
    LOG_LEVEL: "warn",
    KV_PATH: ":memory:",
  };
}

/**
 * The exchange simulator on `port`, pushing `rate` ticks/s per symbol,
 * exactly as `deno task exchange` runs it.
 */
export function simulatorSpec(
  deno: string,
  port: number,
  rate: number,
): ProcessSpec {
  return {
    name: "simulator",
    command: deno,
    args: [
      "run",
      "--unstable-no-legacy-abort",
      "--allow-net",
      "--allow-env",
      "lib/simulator/main.ts",
    ],
    env: {
      SIM_PORT: String(port),
      SIM_HOSTNAME: HOST,
      SIM_SEED: "1",
      SIM_WS_PUSH_MS: String(Math.round(1000 / rate)),
    },
    readyUrl: `http://${HOST}:${port}/v5/market/tickers?category=spot`,
    role: "simulator",
  };
}

/** A TCP port free on loopback right now (the OS picks it). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
