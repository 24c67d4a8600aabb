/**
 * The WebSocket wire format as a raw test client needs it: the handshake
 * request, and reading the (unmasked) frames a server sent, so a test can
 * drive a client that never reads and later check what arrived.
 */

/** A frame as sent by the server. */
export interface WireFrame {
  /** 1 text, 2 binary, 8 close, 9 ping, 10 pong. */
  readonly opcode: number;
  readonly payload: Uint8Array;
}

/** The HTTP upgrade request for `path` on `host`. */
export function upgradeRequest(path: string, host: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
    `Sec-WebSocket-Key: ${btoa("0123456789abcdef")}\r\n\r\n`;
}

/** The frames in `bytes` (which start at a frame boundary); a cut-off last frame is left out. */
export function parseServerFrames(bytes: Uint8Array): WireFrame[] {
  const frames: WireFrame[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at] & 0x0f;
    let length = bytes[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) break;
      length = view.getUint16(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) break;
      length = Number(view.getBigUint64(start));
      start += 8;
    }
    if (start + length > bytes.length) break;
    frames.push({ opcode, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

/** The status code of a close frame's payload (1005 when it has none). */
export function closeCode(frame: WireFrame): number {
  return frame.payload.length >= 2
    ? (frame.payload[0] << 8) | frame.payload[1]
    : 1005;
}
