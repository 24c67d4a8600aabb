/**
 * The `npm:ws` socket layer: handshakes arrive as `node:http` `upgrade`
 * events, run through the same fetch-style app (the same route, the same
 * origin, symbol, per-IP cap and rate checks) and are completed by `ws` only
 * when the route accepted them; a refusal goes back as the HTTP response the
 * route returned. See `node_http_listener.ts` for the server around it.
 */
import { WebSocketServer } from "./ws_api.ts";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Buffer } from "node:buffer";
import type { SocketLayer, SocketUpgrade } from "./stream_socket.ts";
import { WsStreamSocket } from "./ws_stream_socket.ts";
import { prepareWsFrame } from "./ws_prepared_frame.ts";

/**
 * Longest data frame a client may send, bytes. Stream sockets are send-only
 * (the gate closes on any data frame with 1008); `ws` refuses a larger frame
 * with 1009 before buffering it, where the runtime's layer buffers up to
 * 64 MiB first.
 */
export const WS_MAX_INBOUND_BYTES = 64 << 10;

/** A handshake waiting for the route's verdict. */
interface PendingUpgrade {
  readonly req: IncomingMessage;
  readonly tcp: Duplex;
  readonly head: Buffer;
  accepted?: WsStreamSocket;
}

const pending = new WeakMap<Request, PendingUpgrade>();
const KEY = /^[+/0-9A-Za-z]{22}==$/;
const server = new WebSocketServer({
  noServer: true,
  clientTracking: false,
  perMessageDeflate: false,
  maxPayload: WS_MAX_INBOUND_BYTES,
});

/** Registers `request` as the fetch view of a node upgrade request. */
export function holdUpgrade(
  request: Request,
  req: IncomingMessage,
  tcp: Duplex,
  head: Buffer,
): void {
  pending.set(request, { req, tcp, head });
}

/**
 * Completes the handshake of `request` when the route accepted it (returns
 * true), or returns false: the caller then writes `response` on the socket.
 */
export function completeUpgrade(request: Request, response: Response): boolean {
  const upgrade = pending.get(request);
  pending.delete(request);
  const socket = upgrade?.accepted;
  if (upgrade === undefined || socket === undefined) return false;
  if (response.status !== 101) {
    socket.fail();
    return false;
  }
  const { req, tcp, head } = upgrade;
  // Until `ws` hands the socket over, a close means the handshake failed.
  const fail = () => socket.fail();
  tcp.once("close", fail);
  server.handleUpgrade(req, tcp, head, (ws) => {
    tcp.off("close", fail);
    socket.bind(ws);
  });
  return true;
}

/** Upgrades through `npm:ws` (requests that came through the node listener). */
export const wsSocketLayer: SocketLayer = {
  name: "ws",
  prepare: prepareWsFrame,
  upgrade(req: Request): SocketUpgrade {
    const upgrade = pending.get(req);
    if (upgrade === undefined || upgrade.accepted !== undefined) {
      throw new TypeError("Not a WebSocket handshake of this listener");
    }
    const key = req.headers.get("sec-websocket-key") ?? "";
    if (!KEY.test(key)) {
      throw new TypeError("Invalid Sec-WebSocket-Key header");
    }
    const version = req.headers.get("sec-websocket-version");
    if (version !== "13" && version !== "8") {
      throw new TypeError("Unsupported Sec-WebSocket-Version header");
    }
    const socket = new WsStreamSocket();
    upgrade.accepted = socket;
    // A stand-in, passed through untouched like the runtime's own 101: `ws`
    // writes the real one once the route's answer is back.
    return { socket, response: new Response(null, { status: 101 }) };
  },
};
