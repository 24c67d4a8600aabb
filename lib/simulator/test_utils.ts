/**
 * Shared helpers for the simulator's tests: polling with a deadline (for
 * server-side state that has no event to await) and reading a JSON answer.
 */

/**
 * Resolves once `predicate` holds, checking every few ms; rejects after
 * `withinMs` so a broken expectation fails instead of hanging.
 */
export async function waitFor(
  predicate: () => boolean,
  withinMs = 2_000,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`Condition not met within ${withinMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A tickers envelope as the tests read it (success or error). */
export interface TickersBody {
  retCode: number;
  retMsg: string;
  result: {
    category?: string;
    list?: Record<string, string>[] | null;
  };
  retExtInfo: unknown;
  time: number;
}

/** An `{error, detail}` body. */
export interface ErrorBody {
  error: string;
  detail: string;
}

/** `fetch` and decode the JSON body as `T`, keeping status and headers. */
export async function fetchJson<T = TickersBody>(
  input: string,
  init?: RequestInit,
): Promise<{ status: number; headers: Headers; body: T }> {
  const response = await fetch(input, init);
  return {
    status: response.status,
    headers: response.headers,
    body: await response.json() as T,
  };
}

/**
 * A server-side socket double for the WebSocket feed: records what is sent,
 * lets a test fill the send queue, and reports whether it was closed.
 */
export class FakeSimSocket {
  readyState = 1;
  bufferedAmount = 0;
  /** Frames sent, in order (binary frames as `Uint8Array`). */
  readonly sent: (string | Uint8Array)[] = [];
  closed = false;

  send(data: string | Uint8Array<ArrayBuffer>): void {
    this.sent.push(data);
  }

  close(): void {
    this.closed = true;
    this.readyState = 3;
  }

  /** Sent text frames parsed as JSON (binary and broken ones skipped). */
  json(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const frame of this.sent) {
      if (typeof frame !== "string") continue;
      try {
        out.push(JSON.parse(frame));
      } catch {
        // A deliberately broken frame: not JSON.
      }
    }
    return out;
  }

  /** Parsed frames whose `topic` starts with `prefix`. */
  pushes(prefix: string): Record<string, unknown>[] {
    return this.json().filter((m) =>
      typeof m.topic === "string" && m.topic.startsWith(prefix)
    );
  }

  /** Parsed op responses (acks and pongs). */
  acks(): Record<string, unknown>[] {
    return this.json().filter((m) => "op" in m);
  }
}
