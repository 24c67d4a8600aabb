/**
 * The few parts of `npm:ws` the `ws` layer uses, typed here: `@types/ws`
 * would pull npm's `@types/node` into the type graph over the runtime's own
 * Node types. The package is pinned in `deno.json`.
 */
import * as ws from "ws";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Buffer } from "node:buffer";

/** A server-side `ws` socket. */
export interface WsSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: "message", listener: (data: unknown) => void): void;
  on(event: "close", listener: (code: number, reason: Buffer) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  /** The TCP socket (internal to `ws`; see `ws_stream_socket.ts`). */
  readonly _socket?: { write(chunk: Uint8Array): boolean };
}

/** Options of a `ws` server in `noServer` mode. */
export interface WsServerOptions {
  readonly noServer: true;
  readonly clientTracking: boolean;
  readonly perMessageDeflate: boolean;
  readonly maxPayload: number;
}

/** A `ws` server in `noServer` mode: completes handshakes it is handed. */
export interface WsServer {
  handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    done: (socket: WsSocket) => void,
  ): void;
}

const api = ws as unknown as {
  WebSocketServer: new (options: WsServerOptions) => WsServer;
};

/** `ws`'s server class. */
export const WebSocketServer = api.WebSocketServer;
