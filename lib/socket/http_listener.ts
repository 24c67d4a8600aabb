/**
 * Listens for the service on the chosen socket layer: `Deno.serve` (sockets
 * by `Deno.upgradeWebSocket`) or `node:http` (sockets by `npm:ws`). Both run
 * the same fetch-style handler, so routes and checks are the same; only the
 * code that accepts connections and writes frames differs.
 */
import type { FetchHandler } from "./node_fetch_bridge.ts";
import { listenNodeHttp, type NodeHttpTimeouts } from "./node_http_listener.ts";
import { denoSocketLayer } from "./deno_socket_layer.ts";
import { wsSocketLayer } from "./ws_socket_layer.ts";
import type { SocketLayer, SocketLayerName } from "./stream_socket.ts";

/** Options of {@linkcode listenHttp}. */
export interface HttpListenOptions {
  readonly layer: SocketLayerName;
  readonly hostname: string;
  /** 0 for any free port. */
  readonly port: number;
  /** Share the port with other processes (Linux). Default false. */
  readonly reusePort?: boolean;
  /** Time bounds the `ws` layer's server enforces (`Deno.serve` has none). */
  readonly timeouts: NodeHttpTimeouts;
}

/** A listening server and the layer its stream sockets use. */
export interface HttpListener {
  readonly addr: Deno.NetAddr;
  readonly socketLayer: SocketLayer;
  /** Stops listening; resolves once open requests have finished. */
  shutdown(): Promise<void>;
}

/** Listens on `options` with `handler`. */
export async function listenHttp(
  options: HttpListenOptions,
  handler: FetchHandler,
): Promise<HttpListener> {
  if (options.layer === "ws") {
    const node = await listenNodeHttp(options, handler);
    return { ...node, socketLayer: wsSocketLayer };
  }
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    reusePort: options.reusePort ?? false,
    onListen: () => {},
  }, handler);
  return {
    addr: server.addr,
    socketLayer: denoSocketLayer,
    shutdown: () => server.shutdown(),
  };
}
