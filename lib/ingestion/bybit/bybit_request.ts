/**
 * One GET against a Bybit V5 REST endpoint, as every REST client of ours
 * makes it: bounded by a timeout (headers and body), the body capped in
 * size and decoded as JSON, and every failure classified as an
 * {@linkcode UpstreamError} (403/429 as rate limits with any `Retry-After`,
 * other statuses as `http`, bad bodies as `malformed-json`). What the body
 * means is the caller's (`tickers_poller.ts`, `kline_client.ts`).
 */
import { type Clock, systemClock } from "../../clock/clock.ts";
import { parseRetryAfter } from "./backoff.ts";
import { readCappedText } from "./capped_body.ts";
import { operatorSafeText, UpstreamError } from "./upstream_error.ts";

/** Response header by which the project's simulator identifies itself. */
export const SIMULATOR_HEADER = "x-sentinel-simulator";

/**
 * Largest body accepted, in bytes: a full spot list is a few hundred KB.
 * Counted while the body streams in, so a bigger one is never held whole.
 */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Options of {@linkcode getBybitJson}. */
export interface BybitRequestOptions {
  /** Timeout of the whole request (headers and body), ms. */
  readonly timeoutMs: number;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Default: {@linkcode systemClock}. */
  readonly clock?: Clock;
  /** Aborts the request: it then rejects with kind `aborted`. */
  readonly signal?: AbortSignal;
}

/** A decoded answer. */
export interface BybitJson {
  readonly body: unknown;
  readonly status: number;
  /** Request start to body read, ms. */
  readonly latencyMs: number;
  /** The response carried `x-sentinel-simulator: 1`. */
  readonly simulated: boolean;
}

/** GETs `url` and decodes its JSON body; rejects with an {@linkcode UpstreamError}. */
export async function getBybitJson(
  url: string,
  options: BybitRequestOptions,
): Promise<BybitJson> {
  const clock = options.clock ?? systemClock;
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const timeout = new AbortController();
  const timer = clock.setTimer(() => timeout.abort(), options.timeoutMs);
  const { signal } = options;
  const combined = signal
    ? AbortSignal.any([signal, timeout.signal])
    : timeout.signal;
  const started = clock.now();
  let simulated = false;
  try {
    const response = await fetchFn(url, {
      signal: combined,
      headers: { accept: "application/json" },
    });
    simulated = response.headers.get(SIMULATOR_HEADER) === "1";
    const text = await readBody(response, simulated, clock);
    const latencyMs = Math.max(0, clock.now() - started);
    try {
      return {
        body: JSON.parse(text),
        status: response.status,
        latencyMs,
        simulated,
      };
    } catch {
      throw new UpstreamError(
        "malformed-json",
        `Response is not JSON (${text.length} bytes)`,
        { status: response.status, simulated },
      );
    }
  } catch (error) {
    throw classify(error, signal, timeout.signal, options.timeoutMs, simulated);
  } finally {
    clock.clearTimer(timer);
  }
}

async function readBody(
  response: Response,
  simulated: boolean,
  clock: Clock,
): Promise<string> {
  const status = response.status;
  if (!response.ok) {
    await response.body?.cancel();
    const details = {
      status,
      simulated,
      retryAfterMs: parseRetryAfter(
        response.headers.get("retry-after"),
        clock.now(),
      ),
    };
    if (status === 403 || status === 429) {
      throw new UpstreamError(
        "rate-limited",
        `HTTP ${status}: ${
          status === 403
            ? "rate limit breached or region blocked"
            : "too many requests"
        }`,
        details,
      );
    }
    throw new UpstreamError("http", `HTTP ${status} from upstream`, details);
  }
  const declared = Number(response.headers.get("content-length"));
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw tooLarge(`${declared} bytes declared`, status, simulated);
  }
  const read = await readCappedText(response.body, MAX_BODY_BYTES);
  if (!read.ok) {
    throw tooLarge(`cut off after ${read.bytesRead} bytes`, status, simulated);
  }
  return read.text;
}

function tooLarge(what: string, status: number, simulated: boolean) {
  return new UpstreamError(
    "invalid-envelope",
    `Response too large (${what}, limit ${MAX_BODY_BYTES} bytes)`,
    { status, simulated },
  );
}

/** Turns whatever a request threw into an {@linkcode UpstreamError}. */
function classify(
  error: unknown,
  stop: AbortSignal | undefined,
  timeout: AbortSignal,
  timeoutMs: number,
  simulated: boolean,
): UpstreamError {
  if (stop?.aborted) {
    return new UpstreamError("aborted", "Request aborted: stopping");
  }
  if (timeout.aborted) {
    return new UpstreamError(
      "timeout",
      `No complete response within ${timeoutMs} ms`,
      { simulated },
    );
  }
  if (error instanceof UpstreamError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new UpstreamError(
    "network",
    `Network error: ${operatorSafeText(detail)}`,
    { simulated },
  );
}
