/**
 * The part of a client WebSocket the ingestion code uses, so the runtime's
 * `WebSocket` can be swapped for a test double that a test opens, feeds and
 * closes by hand.
 */

/** A client WebSocket: the runtime's, or a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: BinaryType;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Opens a socket to `url`. */
export type WebSocketFactory = (url: string) => WebSocketLike;

/** The runtime's `WebSocket`. */
export const openWebSocket: WebSocketFactory = (url) => new WebSocket(url);
