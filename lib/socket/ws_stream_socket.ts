/**
 * A `npm:ws` socket behind the {@linkcode StreamSocket} shape.
 *
 * A frame prepared by this layer (`ws_prepared_frame.ts`) is written to the
 * TCP socket as the bytes it already holds; any other prepared frame goes
 * through `ws`'s own `send`.
 *
 * The socket exists from the handshake on (so the gate can set its handlers
 * before the response goes out) and is bound to the `ws` socket once the
 * upgrade completes; a handshake that fails after acceptance closes it.
 */
import type { WsSocket } from "./ws_api.ts";
import type { Buffer } from "node:buffer";
import type { PreparedFrame } from "../protocol/prepared_frame.ts";
import type { StreamSocket } from "./stream_socket.ts";
import { WsPreparedFrame } from "./ws_prepared_frame.ts";

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

/** A stream socket sent on through `npm:ws`. */
export class WsStreamSocket implements StreamSocket {
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  #ws: WsSocket | undefined;
  #state = CONNECTING;

  /** 0 until the upgrade completes, then `ws`'s own state. */
  get readyState(): number {
    return this.#ws?.readyState ?? this.#state;
  }

  /** Bytes waiting in the TCP socket's writable buffer (and `ws`'s sender). */
  get bufferedAmount(): number {
    return this.#ws?.bufferedAmount ?? 0;
  }

  /**
   * `ws` writes frames of its own (pongs, the close frame) to the same TCP
   * socket, and counts frame headers: `bufferedAmount` must be read.
   */
  get queueGrowsOnlyBySend(): boolean {
    return false;
  }

  /**
   * Writes `frame`'s bytes as they are (framed once per broadcast). Throws
   * before the socket opened; once closing, drops the frame (WHATWG).
   */
  sendPrepared(frame: PreparedFrame): void {
    const ws = this.#ws;
    if (ws === undefined) {
      if (this.#state === CLOSED) return;
      throw new DOMException("The socket is not open", "InvalidStateError");
    }
    if (ws.readyState !== OPEN) return;
    const tcp = ws._socket;
    if (tcp !== undefined && frame instanceof WsPreparedFrame) {
      tcp.write(frame.wire);
    } else {
      ws.send(frame.text);
    }
  }

  /** Closes with `code` and `reason`; before the upgrade, gives it up. */
  close(code?: number, reason?: string): void {
    if (this.#ws !== undefined) this.#ws.close(code, reason);
    else this.fail();
  }

  /** Binds the upgraded `ws` socket and fires `open`. */
  bind(ws: WsSocket): void {
    if (this.#state === CLOSED) {
      ws.terminate();
      return;
    }
    this.#ws = ws;
    ws.on("message", (data: unknown) => {
      this.onmessage?.(new MessageEvent("message", { data }));
    });
    ws.on("close", (code: number, reason: Buffer) => {
      this.#state = CLOSED;
      this.onclose?.(
        new CloseEvent("close", { code, reason: reason.toString() }),
      );
    });
    ws.on("error", () => this.onerror?.(new Event("error")));
    this.#state = OPEN;
    this.onopen?.(new Event("open"));
  }

  /** The handshake failed before the socket opened: report it closed. */
  fail(): void {
    if (this.#ws !== undefined || this.#state === CLOSED) return;
    this.#state = CLOSED;
    this.onclose?.(new CloseEvent("close", { code: 1006, reason: "" }));
  }
}
