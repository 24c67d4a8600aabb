/**
 * A runtime WebSocket (`Deno.upgradeWebSocket`) behind the
 * {@linkcode StreamSocket} shape: the runtime frames every text itself, so a
 * prepared frame is sent as its text. Handlers are set on the runtime socket
 * directly, so its events reach them with no forwarding of ours.
 */
import type { PreparedFrame } from "../protocol/prepared_frame.ts";
import type { StreamSocket } from "./stream_socket.ts";

/** A stream socket sent on through the runtime's WebSocket. */
export class DenoStreamSocket implements StreamSocket {
  readonly #ws: WebSocket;

  /** Wraps the runtime socket `ws`. */
  constructor(ws: WebSocket) {
    this.#ws = ws;
  }

  /** The runtime socket's state (WHATWG values). */
  get readyState(): number {
    return this.#ws.readyState;
  }

  /** Bytes queued in the runtime (a call into it: see `subscriber.ts`). */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /** The runtime adds each text's UTF-8 length and nothing else. */
  get queueGrowsOnlyBySend(): boolean {
    return true;
  }

  /** Sends `frame`'s text; the runtime frames it. */
  sendPrepared(frame: PreparedFrame): void {
    this.#ws.send(frame.text);
  }

  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void {
    this.#ws.close(code, reason);
  }

  /** The runtime socket's `open` handler. */
  get onopen(): ((event: Event) => void) | null {
    return this.#ws.onopen;
  }
  set onopen(handler: ((event: Event) => void) | null) {
    this.#ws.onopen = handler;
  }

  /** The runtime socket's `message` handler. */
  get onmessage(): ((event: MessageEvent) => void) | null {
    return this.#ws.onmessage;
  }
  set onmessage(handler: ((event: MessageEvent) => void) | null) {
    this.#ws.onmessage = handler;
  }

  /** The runtime socket's `close` handler. */
  get onclose(): ((event: CloseEvent) => void) | null {
    return this.#ws.onclose;
  }
  set onclose(handler: ((event: CloseEvent) => void) | null) {
    this.#ws.onclose = handler;
  }

  /** The runtime socket's `error` handler. */
  get onerror(): ((event: Event) => void) | null {
    return this.#ws.onerror;
  }
  set onerror(handler: ((event: Event) => void) | null) {
    this.#ws.onerror = handler;
  }
}
