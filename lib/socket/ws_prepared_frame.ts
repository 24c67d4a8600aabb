/**
 * The `ws` layer's prepared frame: the complete WebSocket text frame (header
 * and UTF-8 payload, unmasked, as a server sends it), built once when the hub
 * prepares a broadcast. Each socket then writes those same bytes to its TCP
 * socket — one write per socket, no per-socket UTF-8 encoding or header, the
 * way uWebSockets publishes; `ws`'s own `send` would encode and frame the
 * text again for every socket.
 */
import { Buffer } from "node:buffer";
import type { PreparedFrame } from "../protocol/prepared_frame.ts";
import { frame, type FrameOptions } from "./ws_api.ts";

/** Unmasked text frame, final fragment (RFC 6455 §5.2). */
const TEXT_FRAME: FrameOptions = {
  fin: true,
  opcode: 1,
  mask: false,
  readOnly: true,
  rsv1: false,
};

/** A text frame with its wire bytes, shared by every socket it goes to. */
export class WsPreparedFrame implements PreparedFrame {
  /** The frame's text. */
  readonly text: string;
  /** UTF-8 length of the payload (the header is not counted, as in `ws`). */
  readonly byteLength: number;
  /** Header and payload, ready for the TCP socket. */
  readonly wire: Buffer;

  /** Encodes and frames `text`. */
  constructor(text: string) {
    const payload = Buffer.from(text);
    const parts = frame(payload, TEXT_FRAME);
    this.text = text;
    this.byteLength = payload.length;
    this.wire = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }
}

/** Prepares `text` for `ws` sockets: frames it once. */
export function prepareWsFrame(text: string): WsPreparedFrame {
  return new WsPreparedFrame(text);
}
