/**
 * A `npm:ws` socket behind the {@linkcode StreamSocket} shape.
 *
 * Encode once, frame once: a broadcast hands the same string to every socket
 * in turn, so the last string's complete WebSocket frame (header + UTF-8
 * payload, unmasked, as a server sends) is kept, and each socket writes those
 * same bytes to its TCP socket — one write per socket, no per-socket UTF-8
 * encoding or header, the way uWebSockets publishes. `ws`'s own `send` would
 * encode and frame the string again for every socket.
 *
 * The socket exists from the handshake on (so the gate can set its handlers
 * before the response goes out) and is bound to the `ws` socket once the
 * upgrade completes; a handshake that fails after acceptance closes it.
 */
import { frame, type FrameOptions, type WsSocket } from "./ws_api.ts";
import { Buffer } from "node:buffer";
import type { StreamSocket } from "./stream_socket.ts";

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;
/** Unmasked text frame, final fragment (RFC 6455 §5.2). */
const TEXT_FRAME: FrameOptions = {
  fin: true,
  opcode: 1,
  mask: false,
  readOnly: true,
  rsv1: false,
};

let lastText = "";
let lastFrame: Buffer | undefined;

/** The WebSocket text frame carrying `text`, built once per distinct string. */
export function textFrame(text: string): Buffer {
  if (lastFrame === undefined || text !== lastText) {
    const parts = frame(Buffer.from(text), TEXT_FRAME);
    lastFrame = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    lastText = text;
  }
  return lastFrame;
}

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
   * Writes `data` as one text frame, framed once per broadcast. Throws
   * before the socket opened; once closing, drops the frame (WHATWG).
   */
  send(data: string): void {
    const ws = this.#ws;
    if (ws === undefined) {
      if (this.#state === CLOSED) return;
      throw new DOMException("The socket is not open", "InvalidStateError");
    }
    if (ws.readyState !== OPEN) return;
    const tcp = ws._socket;
    if (tcp === undefined) ws.send(data);
    else tcp.write(textFrame(data));
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
