/**
 * When and whether the browser reconnects, as pure functions.
 *
 * Browsers hide why a WebSocket handshake failed (every failure is close code
 * 1006), so after a failed handshake the client asks the same URL over plain
 * HTTP: the server runs the same checks and answers with a status and a JSON
 * reason. A refusal by policy (403 origin, 400/404 symbol) would fail again
 * forever, so it is shown and not retried; 429 is retried after the delay the
 * server advises; anything else is a transient fault, retried with
 * exponential backoff and full jitter. After an open socket closes, the
 * close code table (`lib/protocol/close_codes.ts`) decides.
 */
import { closeCodeInfo } from "../protocol/close_codes.ts";

/** Options of {@linkcode reconnectDelay}. */
export interface ReconnectDelayOptions {
  /** Ceiling of the first retry, ms. Default 1 000. */
  readonly baseMs?: number;
  /** Largest ceiling, ms. Default 16 000. */
  readonly capMs?: number;
}

/**
 * Full jitter: uniformly random in `[0, min(cap, base · 2^attempt))`, so many
 * clients dropped together (a server restart) do not return together.
 */
export function reconnectDelay(
  attempt: number,
  random: () => number,
  options: ReconnectDelayOptions = {},
): number {
  const base = options.baseMs ?? 1_000;
  const cap = options.capMs ?? 16_000;
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  return Math.floor(random() * Math.min(cap, base * 2 ** exponent));
}

/** What the HTTP probe of the stream URL returned. */
export type ProbeResult =
  | { readonly kind: "network" }
  | {
    readonly kind: "response";
    readonly status: number;
    /** `error` of the JSON body, if any. */
    readonly error?: string;
    /** `detail` of the JSON body, if any. */
    readonly detail?: string;
    /** `Retry-After` in seconds, if sent and valid. */
    readonly retryAfterS?: number;
  };

/** What to do after a failed handshake or a closed socket. */
export type ReconnectDecision =
  | { readonly kind: "retry"; readonly reason: string }
  | {
    readonly kind: "rejected";
    readonly status: number;
    readonly error: string;
    readonly detail: string;
    /** Retry automatically after this many ms (429), or never (null). */
    readonly retryAfterMs: number | null;
  };

/** Bounds on a server-advised retry delay, ms. */
const RETRY_AFTER_MIN_MS = 1_000;
const RETRY_AFTER_MAX_MS = 300_000;

/** Decides after a handshake that never opened, from the HTTP probe. */
export function decideAfterProbe(probe: ProbeResult): ReconnectDecision {
  if (probe.kind === "network") {
    return { kind: "retry", reason: "The server cannot be reached" };
  }
  const { status } = probe;
  const error = probe.error ?? `http_${status}`;
  const detail = probe.detail ?? `The server answered HTTP ${status}`;
  if (status === 429) {
    const advised = (probe.retryAfterS ?? 5) * 1_000;
    return {
      kind: "rejected",
      status,
      error,
      detail,
      retryAfterMs: Math.min(
        RETRY_AFTER_MAX_MS,
        Math.max(RETRY_AFTER_MIN_MS, advised),
      ),
    };
  }
  // The checks passed and only the upgrade is missing: the handshake itself
  // must have failed in transit.
  if (status === 400 && probe.error === "upgrade_required") {
    return { kind: "retry", reason: "The handshake did not complete" };
  }
  if (status >= 400 && status < 500 && status !== 408) {
    return { kind: "rejected", status, error, detail, retryAfterMs: null };
  }
  return { kind: "retry", reason: detail };
}

/**
 * Decides after an open socket closed (close code and reason), by the close
 * code table: codes advised `never` are shown and not retried, the rest are
 * retried with backoff.
 */
export function decideAfterClose(
  code: number,
  reason: string,
): ReconnectDecision {
  const info = closeCodeInfo(code);
  if (info.reconnect === "never") {
    return {
      kind: "rejected",
      status: code,
      error: info.name,
      detail: reason || info.notice,
      retryAfterMs: null,
    };
  }
  return { kind: "retry", reason: info.notice };
}

/** Parses `Retry-After` (seconds form); undefined when absent or not a number. */
export function parseRetryAfterSeconds(
  header: string | null,
): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/**
 * The multiplexed stream URL for `symbols`, resuming each symbol that has a
 * resume point (`since=A:12,B:7&epoch=…`). `base` is the page URL; `extra`
 * adds parameters (`candles`, `trades`, `history`).
 */
export function streamUrl(
  base: string,
  symbols: readonly string[],
  resume: ReadonlyMap<string, number>,
  epoch: string | undefined,
  extra: Readonly<Record<string, string>> = {},
): string {
  const url = new URL("/ws/stream", base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("symbols", symbols.join(","));
  for (const [name, value] of Object.entries(extra)) {
    url.searchParams.set(name, value);
  }
  const since = symbols.filter((s) => resume.has(s)).map((s) =>
    `${s}:${resume.get(s)}`
  );
  if (since.length > 0 && epoch) {
    url.searchParams.set("since", since.join(","));
    url.searchParams.set("epoch", epoch);
  }
  return url.href;
}
