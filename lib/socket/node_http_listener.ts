/**
 * A `node:http` server inside Deno running the app's fetch-style handler,
 * with WebSocket handshakes completed by `npm:ws` (`ws_socket_layer.ts`).
 *
 * Unlike `Deno.serve`, `node:http` bounds the time a client may take: the
 * request head (`headersTimeout`, answered 408), the whole request
 * (`requestTimeout`) and an idle keep-alive connection (`keepAliveTimeout`).
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Duplex } from "node:stream";
import type { Buffer } from "node:buffer";
import {
  type FetchHandler,
  toFetchRequest,
  writeRawResponse,
  writeResponse,
} from "./node_fetch_bridge.ts";
import { completeUpgrade, holdUpgrade } from "./ws_socket_layer.ts";

/** Time bounds of a node listener, ms. */
export interface NodeHttpTimeouts {
  /** Longest time for a request head to arrive (then 408 and close). */
  readonly headersMs: number;
  /** Longest time for a whole request, head and body (then 408). */
  readonly requestMs: number;
  /** Idle keep-alive connections close after this. */
  readonly keepAliveMs: number;
}

/** Options of {@linkcode listenNodeHttp}. */
export interface NodeHttpListenOptions {
  readonly hostname: string;
  /** 0 for any free port. */
  readonly port: number;
  /** Share the port with other processes (Linux `SO_REUSEPORT`). */
  readonly reusePort?: boolean;
  readonly timeouts: NodeHttpTimeouts;
}

/** A listening node server. */
export interface NodeHttpListener {
  readonly addr: Deno.NetAddr;
  /** Stops listening and waits for open requests (sockets are the hub's). */
  shutdown(): Promise<void>;
}

/** Logs nothing: the app's own error handler answers what it throws. */
async function run(
  handler: FetchHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const abort = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const { request, info } = toFetchRequest(req, abort.signal);
  let response: Response;
  try {
    response = await handler(request, info);
  } catch {
    response = new Response(null, { status: 500 });
  }
  await writeResponse(res, response);
}

async function upgrade(
  handler: FetchHandler,
  req: IncomingMessage,
  tcp: Duplex,
  head: Buffer,
): Promise<void> {
  const destroy = () => tcp.destroy();
  tcp.on("error", destroy);
  const abort = new AbortController();
  const gone = () => abort.abort();
  tcp.once("close", gone);
  const { request, info } = toFetchRequest(req, abort.signal);
  holdUpgrade(request, req, tcp, head);
  let response: Response;
  try {
    response = await handler(request, info);
  } catch {
    response = new Response(null, { status: 500 });
  }
  // The handshake is decided: nothing reads the request's signal any more,
  // and a stream socket would otherwise hold it (and its controller) for
  // its whole life. Once `ws` has the socket, its own error handler is on.
  tcp.off("close", gone);
  if (completeUpgrade(request, response)) {
    tcp.off("error", destroy);
  } else {
    await writeRawResponse(tcp, response).catch(destroy);
  }
}

/** Starts a node server on `options` running `handler`. */
export function listenNodeHttp(
  options: NodeHttpListenOptions,
  handler: FetchHandler,
): Promise<NodeHttpListener> {
  const { headersMs, requestMs, keepAliveMs } = options.timeouts;
  const server: Server = createServer({
    headersTimeout: headersMs,
    requestTimeout: Math.max(requestMs, headersMs),
    keepAliveTimeout: keepAliveMs,
    // How often the head/request deadlines are checked (node's default is
    // 30 s, far coarser than the deadlines themselves).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, headersMs / 4)),
  }, (req, res) => void run(handler, req, res));
  server.on("upgrade", (req: IncomingMessage, tcp: Duplex, head: Buffer) => {
    void upgrade(handler, req, tcp, head);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({
      port: options.port,
      host: options.hostname,
      reusePort: options.reusePort ?? false,
    }, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({
        addr: { transport: "tcp", hostname: options.hostname, port },
        shutdown: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
