/**
 * WebSocket close codes the stream sockets use, and what a client should do.
 * Kept in one table so server, clients and docs agree.
 */
export const CloseCode = {
  /** Normal closure (client-initiated). */
  Normal: 1000,
  /** Server shutting down or restarting: reconnect with backoff and `since`. */
  GoingAway: 1001,
  /** Protocol misuse by the client (e.g. binary frames): do not retry as is. */
  PolicyViolation: 1008,
  /** Unexpected server error: reconnect with backoff. */
  InternalError: 1011,
  /** The client fell too far behind (slow consumer): reconnect with backoff. */
  TryAgainLater: 1013,
} as const;

/** True when a client should reconnect after `code`. */
export function shouldReconnect(code: number): boolean {
  return code !== CloseCode.PolicyViolation;
}
