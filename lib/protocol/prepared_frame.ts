/**
 * A text frame prepared once for every socket it goes to: the hub encodes a
 * frame (a tick, a heartbeat, a market cycle) once, has the socket layer
 * prepare it once (`SocketLayer.prepare`), and hands the same prepared frame
 * to each socket. What a layer keeps in it is its own business — the `ws`
 * layer the complete WebSocket frame's bytes, so each socket writes them as
 * they are; the runtime's layer only the text — and the hub reads only the
 * two fields below.
 *
 * It sits here, between the hub and the socket layers, because neither may
 * import the other.
 */

/** A text frame ready to be sent to many sockets. */
export interface PreparedFrame {
  /** The frame's JSON text. */
  readonly text: string;
  /**
   * UTF-8 length of `text`: what sending it adds to a socket's
   * `bufferedAmount`, measured once for every socket.
   */
  readonly byteLength: number;
}

/** Prepares `text` for sending (one socket layer's way). */
export type PrepareFrame = (text: string) => PreparedFrame;

const NON_ASCII = /[\u0080-\uffff]/;
const utf8 = new TextEncoder();

/**
 * UTF-8 length of `text` (its UTF-16 length when it is ASCII, as JSON mostly
 * is), without encoding it: the plain prepared frame's `byteLength`.
 */
function utf8ByteLength(text: string): number {
  return NON_ASCII.test(text) ? utf8.encode(text).length : text.length;
}

/**
 * The plain prepared frame: the text and its UTF-8 length. What a layer that
 * sends text prepares, and the hub's default.
 */
export function preparedText(text: string): PreparedFrame {
  return { text, byteLength: utf8ByteLength(text) };
}
