/**
 * The socket layer's contract: what the stream gate and the hub need from a
 * server WebSocket, whichever code sends it. Two layers implement it —
 * `Deno.upgradeWebSocket` (`deno_socket_layer.ts`) and `npm:ws` over
 * `node:http` (`ws_socket_layer.ts`) — and `stream_socket_conformance.ts` is
 * the one behaviour suite both pass.
 *
 * The shape is the WHATWG `WebSocket`'s, cut to what the service uses, so the
 * gate and the hub read the same either way — except for sending: a frame
 * many sockets get is prepared once by the layer (`prepare`) and the same
 * {@linkcode PreparedFrame} goes to each socket (`sendPrepared`), so a layer
 * that can frame once (the `ws` layer) does.
 */

import type { SocketLayerKind } from "../config/config_schema.ts";
import type {
  PreparedFrame,
  PrepareFrame,
} from "../protocol/prepared_frame.ts";

/** A value of `SOCKET_LAYER`: `deno` or `ws`. */
export type SocketLayerName = SocketLayerKind;

/** A server-side stream socket: send-only text frames and lifecycle events. */
export interface StreamSocket {
  /** 0 connecting, 1 open, 2 closing, 3 closed (the WHATWG values). */
  readonly readyState: number;
  /** Bytes handed to `sendPrepared` that have not reached the kernel yet. */
  readonly bufferedAmount: number;
  /**
   * True when `bufferedAmount` grows only by the `byteLength` of each frame
   * sent (so the hub may bound it without reading it: see `subscriber.ts`).
   */
  readonly queueGrowsOnlyBySend: boolean;
  /**
   * Queues one text frame prepared by this socket's layer; throws before the
   * socket opened, drops the frame once it is closing or closed (WHATWG).
   */
  sendPrepared(frame: PreparedFrame): void;
  /** Starts the closing handshake with `code` and `reason`. */
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

/** An accepted handshake: the socket, and the response that completes it. */
export interface SocketUpgrade {
  readonly socket: StreamSocket;
  readonly response: Response;
}

/** How stream sockets are accepted and sent on. */
export interface SocketLayer {
  readonly name: SocketLayerName;
  /** Prepares a text frame once for every socket of this layer it goes to. */
  readonly prepare: PrepareFrame;
  /**
   * Accepts the WebSocket handshake of `req` (call only after every check
   * has passed: the socket opens once the returned response goes out).
   * Throws a TypeError naming the problem when the handshake is invalid.
   */
  upgrade(req: Request): SocketUpgrade;
}
