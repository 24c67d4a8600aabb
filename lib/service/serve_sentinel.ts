/**
 * Starts the whole service — ingestion, hub, web app — listening on a port,
 * and stops it in order. `main.ts` and the integration tests both use this, so
 * tests exercise exactly what users run.
 */
import type { ServiceConfig } from "../config/load_config.ts";
import type { Logger } from "../observability/logger.ts";
import { createApp } from "../web/mod.ts";
import type { AppState, Services } from "./app_state.ts";
import { startSentinel } from "./sentinel_service.ts";
import { type EngineWaiting, instanceIdFor } from "./engine_connect.ts";
import { startupGate } from "./startup_gate.ts";
import { systemClock } from "../clock/clock.ts";
import { listenHttp } from "../socket/http_listener.ts";
import type { NodeHttpTimeouts } from "../socket/node_http_listener.ts";

/** Options of {@linkcode serveSentinel}. */
export interface ServeSentinelOptions {
  readonly config: ServiceConfig;
  readonly logger: Logger;
  readonly kv: Deno.Kv;
  /** Project root holding routes/, islands/, static/. Default: this repo. */
  readonly root?: URL;
  /** Heartbeat frame interval, ms. Default 15 000. */
  readonly heartbeatMs?: number;
  /** Thin broadcasts while the event loop runs late. Default true. */
  readonly loadShedding?: boolean;
  /** Aborting it gives up waiting for the stream engine at start. */
  readonly signal?: AbortSignal;
}

/** A listening service. */
export interface ServedSentinel {
  /** Base URL, e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  /** This instance's own URL when `INSTANCE_PORT` is set (beside a shared port). */
  readonly instanceUrl?: string;
  readonly services: Services;
  /** Stops polling, closes sockets with 1001, stops listening. */
  shutdown(): Promise<void>;
}

/** How long shutdown waits for open connections before giving up. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * The `ws` layer's connection deadlines from `HTTP_BODY_TIMEOUT_SECONDS`: a
 * request head gets as long as a body, a whole request both, and an idle
 * keep-alive connection is closed after the same time (`Deno.serve` bounds
 * none of the three).
 */
export function nodeTimeouts(bodyTimeoutMs: number): NodeHttpTimeouts {
  return {
    headersMs: bodyTimeoutMs,
    requestMs: 2 * bodyTimeoutMs,
    keepAliveMs: bodyTimeoutMs,
  };
}

/** Starts the service on `config.server`'s host and port (0 = any free port). */
export async function serveSentinel(
  options: ServeSentinelOptions,
): Promise<ServedSentinel> {
  const { config, logger } = options;
  const instance = instanceIdFor(config);
  // Listen first: while the stream engine is unreachable (Redis down at
  // start) the instance answers 503 saying why (see startup_gate.ts), and
  // announces "Listening" only once it serves.
  let waiting: EngineWaiting | undefined;
  let handler: (
    request: Request,
    info: Deno.ServeHandlerInfo,
  ) => Response | Promise<Response> = startupGate({
    waiting: () => waiting,
    kind: config.engine.kind,
    instance,
    clock: systemClock,
  });
  const serve = (request: Request, info: Deno.ServeHandlerInfo) =>
    handler(request, info);
  // With REUSE_PORT several processes listen on one port and the kernel
  // spreads connections over them (Linux); INSTANCE_PORT adds a listener
  // that reaches this process only (diagnostics, tests, the cluster demo).
  const listen = (port: number, reusePort: boolean) =>
    listenHttp({
      layer: config.server.socketLayer,
      hostname: config.server.hostname,
      port,
      reusePort,
      timeouts: nodeTimeouts(config.server.bodyTimeoutMs),
    }, serve);
  const servers = [await listen(config.server.port, config.reusePort)];
  if (config.instancePort !== undefined) {
    servers.push(await listen(config.instancePort, false));
  }
  let sentinel;
  try {
    sentinel = await startSentinel({
      config,
      logger,
      kv: options.kv,
      heartbeatMs: options.heartbeatMs,
      loadShedding: options.loadShedding,
      instance,
      signal: options.signal,
      socketLayer: servers[0].socketLayer,
      onEngineWaiting: (state) => waiting = state,
    });
  } catch (error) {
    await Promise.all(servers.map((server) => server.shutdown()));
    throw error;
  }
  const { services } = sentinel;
  const app = await createApp<AppState>({
    root: options.root ?? new URL("../../", import.meta.url),
    state: () => ({ services, clientIp: "", forwarded: false }),
    logger,
  });
  handler = app.handler;
  const [url, instanceUrl] = servers.map((server) => {
    const address = server.addr;
    const host = address.hostname.includes(":")
      ? `[${address.hostname}]`
      : address.hostname;
    return `http://${host}:${address.port}`;
  });
  logger.info("Listening", {
    url,
    ...(instanceUrl ? { instance_url: instanceUrl } : {}),
    reuse_port: config.reusePort,
    socket_layer: config.server.socketLayer,
  });

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    stopping ??= (async () => {
      await sentinel.shutdown();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(servers.map((server) => server.shutdown())),
        new Promise((resolve) =>
          timer = setTimeout(resolve, SHUTDOWN_GRACE_MS)
        ),
      ]);
      clearTimeout(timer);
      logger.info("Stopped");
    })();
  return { url, instanceUrl, services: sentinel.services, shutdown };
}
