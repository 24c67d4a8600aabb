/**
 * A WebSocket test client that records every frame and lets a test await a
 * frame (or the close) with a deadline instead of sleeping.
 */
import type { ServerFrame } from "../../lib/protocol/frames.ts";

/** Options of {@linkcode connectClient}. */
export interface ClientOptions {
  /** Origin header to send; none when omitted (a non-browser client). */
  readonly origin?: string;
  /** Further handshake headers (e.g. `X-Forwarded-For`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A connected test socket. */
export interface TestClient {
  readonly socket: WebSocket;
  /** Every frame received, parsed, in order. */
  readonly frames: ServerFrame[];
  /** Resolves with the close event. */
  readonly closed: Promise<CloseEvent>;
  /** The first frame (already received or future) matching `predicate`. */
  waitFor<T extends ServerFrame>(
    predicate: (frame: ServerFrame) => frame is T,
    timeoutMs?: number,
  ): Promise<T>;
  waitFor(
    predicate: (frame: ServerFrame) => boolean,
    timeoutMs?: number,
  ): Promise<ServerFrame>;
  /** Waits until `count` frames match `predicate`; returns them. */
  waitForCount(
    predicate: (frame: ServerFrame) => boolean,
    count: number,
    timeoutMs?: number,
  ): Promise<ServerFrame[]>;
  /** Closes the socket and waits for the close to complete. */
  close(): Promise<void>;
}

/** Opens `url` and resolves once the socket is open. */
export async function connectClient(
  url: string,
  options: ClientOptions = {},
): Promise<TestClient> {
  const init = {
    headers: {
      ...options.headers,
      ...(options.origin ? { origin: options.origin } : {}),
    },
  };
  // Deno's WebSocket accepts a headers option; the DOM typing does not know it.
  const socket = new WebSocket(url, init as unknown as string[]);
  const frames: ServerFrame[] = [];
  const listeners = new Set<() => void>();
  socket.onmessage = (event) => {
    frames.push(JSON.parse(event.data));
    for (const listener of [...listeners]) listener();
  };
  const closed = new Promise<CloseEvent>((resolve) => {
    socket.addEventListener("close", (event) => {
      resolve(event);
      for (const listener of [...listeners]) listener();
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`Could not open ${url}`));
  });

  const waitForCount = (
    predicate: (frame: ServerFrame) => boolean,
    count: number,
    timeoutMs = 10_000,
  ): Promise<ServerFrame[]> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const matches = frames.filter(predicate);
        if (matches.length >= count) {
          done();
          resolve(matches.slice(0, count));
        } else if (socket.readyState === WebSocket.CLOSED) {
          done();
          reject(
            new Error(`Socket closed with ${matches.length}/${count} frames`),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${count} frames; got ${
              frames.filter(predicate).length
            } (of ${frames.length})`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  return {
    socket,
    frames,
    closed,
    waitFor: (async (
      predicate: (frame: ServerFrame) => boolean,
      timeoutMs?: number,
    ) => (await waitForCount(predicate, 1, timeoutMs))[0]) as TestClient[
      "waitFor"
    ],
    waitForCount,
    close: async () => {
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      await closed;
    },
  };
}

/**
 * Attempts a WebSocket handshake with plain HTTP and returns the status and
 * body, for asserting refusals that happen before the upgrade.
 */
export async function attemptHandshake(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url.replace(/^ws/, "http"), {
    headers: {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": btoa("0123456789abcdef"),
      ...headers,
    },
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the assertion message.
  }
  return { status: response.status, body };
}
