/**
 * WebSocket close codes the stream sockets use, and what a client should do
 * after each: the one table the server (hub, stream gate), the browser client
 * (`lib/client/reconnect_policy.ts`) and the README agree on. Browser-safe.
 *
 * | code | name               | sent when                          | client      |
 * | ---- | ------------------ | ---------------------------------- | ----------- |
 * | 1000 | `normal`           | closed on purpose (client side)    | backoff     |
 * | 1001 | `going_away`       | server shutting down or restarting | backoff     |
 * | 1008 | `policy_violation` | protocol misuse (binary frames)    | never as is |
 * | 1011 | `internal_error`   | unexpected server error            | backoff     |
 * | 1013 | `try_again_later`  | slow consumer fell too far behind  | backoff     |
 *
 * "backoff" means: reconnect after the exponential backoff with full jitter,
 * resuming with `since`/`epoch`, so clients dropped together (a restart, an
 * overload) do not return together. Any code not in the table (1006 when the
 * connection simply broke) is treated like 1011.
 */

/** The close codes by name, for server code that closes sockets. */
export const CloseCode = {
  /** Normal closure (client-initiated). */
  Normal: 1000,
  /** Server shutting down or restarting: reconnect with backoff and `since`. */
  GoingAway: 1001,
  /**
   * Protocol misuse by the client — any data frame on a stream socket, which
   * is send-only — or a refused request: do not retry as is. (A frame over
   * the runtime's 64 MiB cap drops the connection without a close frame.)
   */
  PolicyViolation: 1008,
  /** Unexpected server error: reconnect with backoff. */
  InternalError: 1011,
  /** The client fell too far behind (slow consumer): reconnect with backoff. */
  TryAgainLater: 1013,
} as const;

/** One of the close codes of {@linkcode CloseCode}. */
export type KnownCloseCode = typeof CloseCode[keyof typeof CloseCode];

/**
 * Whether a client reconnects after a close: `"backoff"` after the
 * exponential backoff (never at once, so a fleet does not stampede back), or
 * `"never"`: the same request would be closed again, so it is shown, not
 * retried.
 */
export type ReconnectAdvice = "backoff" | "never";

/** One row of the close-code table. */
export interface CloseCodeInfo {
  readonly code: number;
  /** Machine-readable name, e.g. `policy_violation` (shown as an error code). */
  readonly name: string;
  /** What a client does after this close. */
  readonly reconnect: ReconnectAdvice;
  /** What the dashboard tells its user about this close. */
  readonly notice: string;
}

/** Every close code the stream sockets use, with what a client should do. */
export const CLOSE_CODES: Readonly<Record<KnownCloseCode, CloseCodeInfo>> = {
  [CloseCode.Normal]: {
    code: CloseCode.Normal,
    name: "normal",
    reconnect: "backoff",
    notice: "The connection was lost",
  },
  [CloseCode.GoingAway]: {
    code: CloseCode.GoingAway,
    name: "going_away",
    reconnect: "backoff",
    notice: "The server is restarting",
  },
  [CloseCode.PolicyViolation]: {
    code: CloseCode.PolicyViolation,
    name: "policy_violation",
    reconnect: "never",
    notice: "The server closed the stream by policy",
  },
  [CloseCode.InternalError]: {
    code: CloseCode.InternalError,
    name: "internal_error",
    reconnect: "backoff",
    notice: "The connection was lost",
  },
  [CloseCode.TryAgainLater]: {
    code: CloseCode.TryAgainLater,
    name: "try_again_later",
    reconnect: "backoff",
    notice: "The stream fell behind and was closed",
  },
};

/**
 * The table row for `code`; a code the server never sends (1006 when the
 * connection broke, anything else) reads as a lost connection: reconnect
 * with backoff.
 */
export function closeCodeInfo(code: number): CloseCodeInfo {
  return CLOSE_CODES[code as KnownCloseCode] ?? {
    code,
    name: "connection_lost",
    reconnect: "backoff",
    notice: "The connection was lost",
  };
}

/** True when a client should reconnect after `code`. */
export function shouldReconnect(code: number): boolean {
  return closeCodeInfo(code).reconnect !== "never";
}
