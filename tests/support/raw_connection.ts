/**
 * A TCP client that speaks HTTP (or a WebSocket) by hand, for tests of what
 * real clients never do: send a request a byte at a time, stop mid-body, or
 * complete a WebSocket handshake and then never read. Received bytes are
 * kept; a test reads on demand and waits with a deadline.
 */

/** An open raw connection to a test server. */
export class RawConnection {
  readonly #conn: Deno.TcpConn;
  readonly #chunks: Uint8Array[] = [];
  #length = 0;
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connects to the host and port of `baseUrl` (http:// or ws://). */
  static async open(baseUrl: string): Promise<RawConnection> {
    const url = new URL(baseUrl);
    const conn = await Deno.connect({
      hostname: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port),
    });
    return new RawConnection(conn);
  }

  /** Whether the server closed the connection (EOF or reset) during a read. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes received so far. */
  get received(): Uint8Array {
    const bytes = new Uint8Array(this.#length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }

  /** The last `n` (or fewer) bytes received, without copying the rest. */
  tail(n: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let have = 0;
    for (let i = this.#chunks.length - 1; i >= 0 && have < n; i--) {
      parts.unshift(this.#chunks[i]);
      have += this.#chunks[i].length;
    }
    const joined = new Uint8Array(have);
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    return joined.subarray(Math.max(0, have - n));
  }

  /** Bytes received so far, as single-byte text (HTTP heads are ASCII). */
  get text(): string {
    return new TextDecoder("latin1").decode(this.received);
  }

  /** Sends `data`; false once the connection is gone. */
  async write(data: string | Uint8Array): Promise<boolean> {
    const bytes = typeof data === "string"
      ? new TextEncoder().encode(data)
      : data;
    try {
      let written = 0;
      while (written < bytes.length) {
        written += await this.#conn.write(bytes.subarray(written));
      }
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Reads until `done(this)` holds or the server closes the connection;
   * throws after `timeoutMs`.
   */
  async readUntil(
    done: (connection: RawConnection) => boolean,
    description: string,
    timeoutMs = 15_000,
  ): Promise<void> {
    const buffer = new Uint8Array(64 << 10);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `Timed out after ${timeoutMs} ms waiting for ${description}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      while (!done(this) && !this.#closed) {
        const read = await Promise.race([
          this.#conn.read(buffer).catch(() => null),
          deadline,
        ]);
        if (read === null) {
          this.#closed = true;
        } else {
          this.#chunks.push(buffer.slice(0, read));
          this.#length += read;
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the connection (idempotent). */
  close(): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }
}

/** A response read off a raw connection. */
export interface RawResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body (by Content-Length; empty for 101 and bodiless answers). */
  readonly body: string;
}

/**
 * Sends `GET path` with exactly `headers` (unlike `fetch`, which sets
 * `Host` itself) and reads the answer; the connection is closed after.
 */
export async function rawGet(
  baseUrl: string,
  path: string,
  headers: Readonly<Record<string, string>>,
): Promise<RawResponse> {
  const raw = await RawConnection.open(baseUrl);
  try {
    const lines = Object.entries(headers).map(([name, value]) =>
      `${name}: ${value}\r\n`
    );
    await raw.write(`GET ${path} HTTP/1.1\r\n${lines.join("")}\r\n`);
    const parse = (text: string): RawResponse | undefined => {
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return undefined;
      const [statusLine, ...fields] = text.slice(0, end).split("\r\n");
      const parsed: Record<string, string> = {};
      for (const field of fields) {
        const colon = field.indexOf(":");
        parsed[field.slice(0, colon).toLowerCase()] = field.slice(colon + 1)
          .trim();
      }
      const status = Number(statusLine.split(" ")[1]);
      const length = status === 101 ? 0 : Number(parsed["content-length"] ?? 0);
      const body = text.slice(end + 4);
      return body.length >= length
        ? { status, headers: parsed, body: body.slice(0, length) }
        : undefined;
    };
    await raw.readUntil((c) => parse(c.text) !== undefined, `GET ${path}`);
    const response = parse(raw.text);
    if (!response) throw new Error(`No complete answer to GET ${path}`);
    return response;
  } finally {
    raw.close();
  }
}
