/**
 * The socket layer's contract: what the stream gate and the hub need from a
 * server WebSocket, whichever code sends it. Two layers implement it —
 * `Deno.upgradeWebSocket` (`deno_socket_layer.ts`) and `npm:ws` over
 * `node:http` (`ws_socket_layer.ts`) — and `stream_socket_conformance.ts` is
 * the one behaviour suite both pass.
 *
 * The shape is the WHATWG `WebSocket`'s (a Deno socket is one as is), cut to
 * what the service uses, so the gate and the hub read the same either way.
 */

import type { SocketLayerKind } from "../config/config_schema.ts";

/** A value of `SOCKET_LAYER`: `deno` or `ws`. */
export type SocketLayerName = SocketLayerKind;

/** A server-side stream socket: send-only text frames and lifecycle events. */
export interface StreamSocket {
  /** 0 connecting, 1 open, 2 closing, 3 closed (the WHATWG values). */
  readonly readyState: number;
  /** Bytes handed to `send` that have not reached the kernel yet. */
  readonly bufferedAmount: number;
  /** Queues one text frame; throws once the socket is not open. */
  send(data: string): void;
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
  /**
   * Accepts the WebSocket handshake of `req` (call only after every check
   * has passed: the socket opens once the returned response goes out).
   * Throws a TypeError naming the problem when the handshake is invalid.
   */
  upgrade(req: Request): SocketUpgrade;
}
