/**
 * The load generator's WebSocket client: RFC 6455 over a `node:net` socket,
 * with the handful of `WebSocket` members the generator uses.
 *
 * Why not the runtime's `WebSocket`: at 2,000 sockets × 20 ticks/s one
 * generator process is slower to read a burst than a server is to write it,
 * and Deno's own socket reads (`WebSocket`, and `Deno.connect` + `read`
 * alike) then take the backlog out of arrival order — a share of the frames
 * written first is read last, after every later frame, so the latency
 * figures describe the client's queue and punish the fastest sender.
 * `node:net` reads under Deno take the same backlog in order (see
 * bench/README.md, "The load generator's own queue"). The runtime's client
 * stays available (`--client=websocket`) to show that difference.
 *
 * Client side only, text and binary messages, fragmented messages, ping
 * (answered), close handshake; no extensions, no subprotocols. Every frame
 * the client sends is masked; a frame longer than {@linkcode MAX_MESSAGE_BYTES}
 * or a malformed one closes the socket with 1009 or 1002.
 */
import { Buffer } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";

/** `readyState` values, as the WHATWG `WebSocket` numbers them. */
export const SOCKET_STATE = {
  CONNECTING: 0,
  OPEN: 1,
  CLOSING: 2,
  CLOSED: 3,
} as const;

/** The socket the load generator drives, whichever client is behind it. */
export interface LoadSocket {
  readonly readyState: number;
  onopen: (() => void) | null;
  /** `data` is a string for a text message, an ArrayBuffer otherwise. */
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onerror: ((event: { readonly message: string }) => void) | null;
  onclose: ((event: { readonly code: number }) => void) | null;
  send(text: string): void;
  close(code?: number): void;
}

/** Largest message taken, bytes (a whole market's history batch fits). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Largest HTTP response head before the upgrade, bytes. */
const MAX_HEAD_BYTES = 16 * 1024;
/** RFC 6455 §1.3: appended to the key before hashing for the accept value. */
const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

const OPCODE = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

/** A WebSocket client over `node:net`, opened at construction. */
export class NetWebSocket implements LoadSocket {
  onopen: (() => void) | null = null;
  onmessage: ((event: { readonly data: unknown }) => void) | null = null;
  onerror: ((event: { readonly message: string }) => void) | null = null;
  onclose: ((event: { readonly code: number }) => void) | null = null;
  #state: number = SOCKET_STATE.CONNECTING;
  #socket: net.Socket;
  #key = randomBytes(16).toString("base64");
  /** Bytes read but not yet parsed (a partial head or frame). */
  #pending: Buffer | null = null;
  /** Payloads of a fragmented message so far, and its opcode. */
  #fragments: Buffer[] = [];
  #fragmentBytes = 0;
  #fragmentOpcode = 0;
  #closeSent = false;
  #closeCode = 1006;

  /** Connects to a `ws://` URL and sends the upgrade request. */
  constructor(url: string) {
    const target = new URL(url);
    if (target.protocol !== "ws:") {
      throw new SyntaxError(`Only ws:// URLs are supported, got ${url}`);
    }
    const port = Number(target.port || 80);
    const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
    this.#socket = net.connect({ host, port, noDelay: true });
    this.#socket.write(
      `GET ${target.pathname}${target.search} HTTP/1.1\r\n` +
        `Host: ${target.host}\r\n` +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        `Sec-WebSocket-Key: ${this.#key}\r\n` +
        "Sec-WebSocket-Version: 13\r\n\r\n",
    );
    this.#socket.on("data", (chunk: Buffer) => this.#read(chunk));
    this.#socket.on("error", (error: Error) => this.#fail(error.message));
    this.#socket.on("close", () => this.#closed());
  }

  /** See {@linkcode SOCKET_STATE}. */
  get readyState(): number {
    return this.#state;
  }

  /** Sends a text message (masked); dropped unless open. */
  send(text: string): void {
    if (this.#state !== SOCKET_STATE.OPEN) return;
    this.#socket.write(maskedFrame(OPCODE.TEXT, Buffer.from(text)));
  }

  /**
   * Starts the close handshake with `code`; before the upgrade, gives the
   * connection up (the socket then closes with 1006).
   */
  close(code = 1000): void {
    if (this.#state === SOCKET_STATE.CONNECTING) {
      this.#state = SOCKET_STATE.CLOSING;
      this.#socket.destroy();
      return;
    }
    if (this.#state !== SOCKET_STATE.OPEN) return;
    this.#state = SOCKET_STATE.CLOSING;
    this.#sendClose(code);
  }

  #read(chunk: Buffer): void {
    let data = chunk;
    if (this.#pending !== null) {
      data = Buffer.concat([this.#pending, chunk]);
      this.#pending = null;
    }
    let offset = 0;
    if (this.#state === SOCKET_STATE.CONNECTING) {
      offset = this.#readHead(data);
      if (offset < 0) return;
    }
    while (offset < data.length && this.#state !== SOCKET_STATE.CLOSED) {
      const used = this.#readFrame(data, offset);
      if (used === 0) break;
      offset += used;
    }
    if (offset < data.length && !this.#socket.destroyed) {
      this.#pending = data.subarray(offset);
    }
  }

  /** Parses the upgrade response; the offset after it, or -1 (wait/fail). */
  #readHead(data: Buffer): number {
    const end = data.indexOf("\r\n\r\n");
    if (end < 0) {
      if (data.length > MAX_HEAD_BYTES) {
        this.#fail("The upgrade response head is too large");
      } else {
        this.#pending = data;
      }
      return -1;
    }
    const [statusLine, ...lines] = data.toString("latin1", 0, end).split(
      "\r\n",
    );
    const status = Number(statusLine.split(" ")[1]);
    if (status !== 101) {
      this.#fail(`Unexpected response code: ${statusLine.slice(9)}`);
      return -1;
    }
    const headers = new Map(lines.map((line) => {
      const colon = line.indexOf(":");
      return [
        line.slice(0, colon).trim().toLowerCase(),
        line.slice(colon + 1).trim(),
      ];
    }));
    const expected = createHash("sha1").update(this.#key + ACCEPT_GUID)
      .digest("base64");
    if (
      headers.get("upgrade")?.toLowerCase() !== "websocket" ||
      headers.get("sec-websocket-accept") !== expected
    ) {
      this.#fail("The upgrade response is not a valid WebSocket handshake");
      return -1;
    }
    this.#state = SOCKET_STATE.OPEN;
    this.onopen?.();
    return end + 4;
  }

  /** Handles one frame at `offset`; its length, or 0 when incomplete. */
  #readFrame(data: Buffer, offset: number): number {
    const available = data.length - offset;
    if (available < 2) return 0;
    const first = data[offset];
    const second = data[offset + 1];
    let length = second & 0x7f;
    let head = 2;
    if (length === 126) {
      if (available < 4) return 0;
      length = data.readUInt16BE(offset + 2);
      head = 4;
    } else if (length === 127) {
      if (available < 10) return 0;
      length = data.readUInt32BE(offset + 2) * 2 ** 32 +
        data.readUInt32BE(offset + 6);
      head = 10;
    }
    if ((second & 0x80) !== 0 || (first & 0x70) !== 0) {
      this.#protocolError(1002);
      return 0;
    }
    if (length > MAX_MESSAGE_BYTES) {
      this.#protocolError(1009);
      return 0;
    }
    if (available < head + length) return 0;
    const payload = data.subarray(offset + head, offset + head + length);
    this.#frame(first & 0x0f, (first & 0x80) !== 0, payload);
    return head + length;
  }

  #frame(opcode: number, fin: boolean, payload: Buffer): void {
    switch (opcode) {
      case OPCODE.TEXT:
      case OPCODE.BINARY:
        if (fin) return this.#message(opcode, payload);
        this.#fragmentOpcode = opcode;
        return this.#fragment(payload);
      case OPCODE.CONTINUATION:
        if (this.#fragmentOpcode === 0) return this.#protocolError(1002);
        this.#fragment(payload);
        if (fin) {
          const whole = Buffer.concat(this.#fragments);
          const kind = this.#fragmentOpcode;
          this.#fragments = [];
          this.#fragmentBytes = 0;
          this.#fragmentOpcode = 0;
          this.#message(kind, whole);
        }
        return;
      case OPCODE.PING:
        if (this.#state === SOCKET_STATE.OPEN) {
          this.#socket.write(maskedFrame(OPCODE.PONG, payload));
        }
        return;
      case OPCODE.PONG:
        return;
      case OPCODE.CLOSE:
        this.#closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.#state = SOCKET_STATE.CLOSING;
        if (!this.#closeSent) this.#sendClose(this.#closeCode);
        this.#socket.end();
        return;
      default:
        this.#protocolError(1002);
    }
  }

  #fragment(payload: Buffer): void {
    this.#fragmentBytes += payload.length;
    if (this.#fragmentBytes > MAX_MESSAGE_BYTES) {
      return this.#protocolError(1009);
    }
    this.#fragments.push(Buffer.from(payload));
  }

  #message(opcode: number, payload: Buffer): void {
    if (this.#state !== SOCKET_STATE.OPEN) return;
    const data = opcode === OPCODE.TEXT
      ? payload.toString("utf8")
      : payload.buffer.slice(
        payload.byteOffset,
        payload.byteOffset + payload.length,
      );
    this.onmessage?.({ data });
  }

  #sendClose(code: number): void {
    this.#closeSent = true;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code === 1005 || code === 1006 ? 1000 : code);
    this.#socket.write(maskedFrame(OPCODE.CLOSE, body));
  }

  /** A frame broke the protocol: close with `code` and drop the rest. */
  #protocolError(code: number): void {
    if (this.#closeSent && this.#state !== SOCKET_STATE.OPEN) return;
    this.#closeCode = code;
    this.#sendClose(code);
    this.#state = SOCKET_STATE.CLOSING;
    this.#socket.end();
  }

  #fail(message: string): void {
    if (this.#state === SOCKET_STATE.CLOSED) return;
    this.#closeCode = 1006;
    this.onerror?.({ message });
    this.#socket.destroy();
  }

  #closed(): void {
    if (this.#state === SOCKET_STATE.CLOSED) return;
    this.#state = SOCKET_STATE.CLOSED;
    this.onclose?.({ code: this.#closeCode });
  }
}

/** A client frame: FIN, `opcode`, masked `payload` (RFC 6455 §5.3). */
function maskedFrame(opcode: number, payload: Uint8Array): Buffer {
  const length = payload.length;
  const head = length <= 125 ? 2 : length <= 0xffff ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + 4 + length);
  frame[0] = 0x80 | opcode;
  if (head === 2) {
    frame[1] = 0x80 | length;
  } else if (head === 4) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  const mask = randomBytes(4);
  mask.copy(frame, head);
  for (let i = 0; i < length; i++) {
    frame[head + 4 + i] = payload[i] ^ mask[i & 3];
  }
  return frame;
}

/** The runtime's own `WebSocket` behind {@linkcode LoadSocket}. */
export function runtimeWebSocket(url: string): LoadSocket {
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  const socket: LoadSocket = {
    get readyState() {
      return ws.readyState;
    },
    onopen: null,
    onmessage: null,
    onerror: null,
    onclose: null,
    send: (text) => ws.send(text),
    close: (code) => ws.close(code),
  };
  ws.onopen = () => socket.onopen?.();
  ws.onmessage = (event) => socket.onmessage?.(event);
  ws.onerror = (event) =>
    socket.onerror?.({
      message: (event as ErrorEvent).message || "socket error",
    });
  ws.onclose = (event) => socket.onclose?.(event);
  return socket;
}

/** The clients the load generator can drive sockets with. */
export const LOAD_CLIENTS = ["net", "websocket"] as const;
/** A value of `--client`. */
export type LoadClient = typeof LOAD_CLIENTS[number];

/** Opens a socket to `url` with `client`. */
export function openLoadSocket(client: LoadClient, url: string): LoadSocket {
  return client === "net" ? new NetWebSocket(url) : runtimeWebSocket(url);
}
