/**
 * A TCP client that speaks HTTP (or a WebSocket) by hand, for tests of what
 * real clients never do: send a request a byte at a time, stop mid-body, or
 * complete a WebSocket handshake and then never read. Received bytes are
 * kept; a test reads on demand and waits with a deadline.
 */

/** An open raw connection to a test server. */
export class RawConnection {
  readonly #conn: Deno.TcpConn;
  readonly #received: number[] = [];
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
    return Uint8Array.from(this.#received);
  }

  /** Bytes received so far, as Latin-1 text (HTTP heads are ASCII). */
  get text(): string {
    return String.fromCharCode(...this.#received);
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
        if (read === null) this.#closed = true;
        else for (let i = 0; i < read; i++) this.#received.push(buffer[i]);
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
