/**
 * The few Engine.IO v4 / Socket.IO v5 packets a subscribing client needs.
 *
 * The load generator speaks this wire protocol itself over the runtime's
 * `WebSocket` rather than running `socket.io-client`: every target is then
 * measured with the same client code and the same per-message cost, so the
 * client's share of the two shared cores does not tilt the comparison, and a
 * few thousand sockets stay in one process. `socket.io-client` (pinned in
 * `peers/package.json`) is still used by `peers/socketio_smoke.mjs` to prove
 * the peer serves the official client.
 *
 * Session: server `0{open}` → client `40` (join namespace `/`) → server
 * `40{sid}`; events arrive as `42["name",payload]`; the server pings with `2`
 * and a client that does not answer `3` is dropped after `pingTimeout`.
 */

/** Path and query of the websocket-only transport endpoint. */
export const SOCKETIO_PATH = "/socket.io/?EIO=4&transport=websocket";

/** Client → server: join the default namespace. */
export const SOCKETIO_CONNECT = "40";

/** Client → server: answer to a ping. */
export const ENGINEIO_PONG = "3";

/** Offset of the payload object in `42["tick",{...}]`. */
export const SOCKETIO_TICK_OFFSET = 10;

/** What a received Engine.IO text packet means to a subscriber. */
export type SocketIoPacket =
  | "open"
  | "ping"
  | "connected"
  | "connect-error"
  | "disconnect"
  | "tick"
  | "event"
  | "close"
  | "other";

/** Classifies one Engine.IO text packet. */
export function socketIoPacket(text: string): SocketIoPacket {
  switch (text.charCodeAt(0)) {
    case 48: // "0"
      return "open";
    case 49: // "1"
      return "close";
    case 50: // "2"
      return "ping";
    case 52: // "4": a Socket.IO packet follows
      switch (text.charCodeAt(1)) {
        case 48:
          return "connected";
        case 49:
          return "disconnect";
        case 50:
          return text.startsWith('42["tick",{') ? "tick" : "event";
        case 52:
          return "connect-error";
      }
  }
  return "other";
}
