/**
 * Waits for a server to answer a readiness URL with a 2xx, polling with a
 * deadline: a benchmark never sleeps a fixed time hoping the server is up,
 * and never waits forever when it will not come up.
 */

/** Options of {@linkcode waitForReady}. */
export interface ReadinessOptions {
  /** Give up after this many milliseconds. Default 30,000. */
  readonly timeoutMs?: number;
  /** Pause between attempts in milliseconds. Default 100. */
  readonly intervalMs?: number;
  /** Longest single attempt in milliseconds. Default 2,000. */
  readonly attemptTimeoutMs?: number;
  /** Stops waiting early (the caller's own deadline). */
  readonly signal?: AbortSignal;
  /** Injected for tests. Default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** Injected for tests. Default `performance.now`. */
  readonly now?: () => number;
  /** Injected for tests. Default a `setTimeout` promise that `signal` cuts short. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** How the wait went. */
export interface ReadinessResult {
  readonly attempts: number;
  readonly elapsedMs: number;
}

/** The server did not become ready in time; `lastError` says what it answered. */
export class ReadinessError extends Error {
  /** `url` polled, `attempts` made, `lastError` the last failure seen. */
  constructor(
    readonly url: string,
    readonly attempts: number,
    readonly lastError: string,
  ) {
    super(
      `Server at ${url} was not ready after ${attempts} attempts: ${lastError}`,
    );
    this.name = "ReadinessError";
  }
}

/** A `setTimeout` promise that resolves early when `signal` aborts. */
export function abortableSleep(
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Polls `url` until it answers 2xx; throws {@linkcode ReadinessError} otherwise. */
export async function waitForReady(
  url: string,
  options: ReadinessOptions = {},
): Promise<ReadinessResult> {
  const {
    timeoutMs = 30_000,
    intervalMs = 100,
    attemptTimeoutMs = 2_000,
    signal,
    fetch: fetchFn = globalThis.fetch,
    now = () => performance.now(),
    sleep = abortableSleep,
  } = options;
  const started = now();
  let attempts = 0;
  let lastError = "no attempt made";
  while (!signal?.aborted) {
    const remaining = timeoutMs - (now() - started);
    if (remaining <= 0) break;
    attempts++;
    try {
      const response = await fetchFn(url, {
        signal: AbortSignal.timeout(Math.min(attemptTimeoutMs, remaining)),
      });
      await response.body?.cancel();
      if (response.ok) return { attempts, elapsedMs: now() - started };
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = describe(error);
    }
    await sleep(
      Math.min(intervalMs, Math.max(0, timeoutMs - (now() - started))),
      signal,
    );
  }
  if (signal?.aborted) lastError = `${lastError} (wait aborted)`;
  throw new ReadinessError(url, attempts, lastError);
}

/** An error's message with its cause, which is where fetch puts the reason. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
