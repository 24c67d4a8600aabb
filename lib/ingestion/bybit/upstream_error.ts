/**
 * The one error type of the upstream client. Every way a poll can fail is
 * folded into a small set of kinds so the loop can pick a backoff policy and
 * diagnostics can show operators what went wrong, in a message that is safe to
 * display: bounded in length, no control characters, no URLs (a configured
 * endpoint may carry credentials or tokens in its query).
 */

/** How a poll failed; `aborted` means the caller stopped it (not a fault). */
export type UpstreamErrorKind =
  | "timeout"
  | "network"
  | "http"
  | "rate-limited"
  | "ret-code"
  | "malformed-json"
  | "invalid-envelope"
  | "aborted";

/** Extra facts about a failure, when the exchange told us. */
export interface UpstreamErrorDetails {
  /** HTTP status of the response. */
  readonly status?: number;
  /** Bybit `retCode` of a `200 OK` error envelope. */
  readonly retCode?: number;
  /** Wait the exchange asked for (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;
  /** The response came from the project's simulator. */
  readonly simulated?: boolean;
}

/** Longest message kept; upstream text beyond it is cut with an ellipsis. */
export const MAX_UPSTREAM_MESSAGE_LENGTH = 200;

/** A classified upstream failure with an operator-safe message. */
export class UpstreamError extends Error {
  /** What kind of failure this was. */
  readonly kind: UpstreamErrorKind;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** Bybit `retCode`, for error envelopes. */
  readonly retCode?: number;
  /** Requested wait before retrying, in milliseconds. */
  readonly retryAfterMs?: number;
  /** True when the failing response carried the simulator header. */
  readonly simulated: boolean;

  /** `message` is sanitised with {@linkcode operatorSafeText}. */
  constructor(
    kind: UpstreamErrorKind,
    message: string,
    details: UpstreamErrorDetails = {},
  ) {
    super(operatorSafeText(message));
    this.name = "UpstreamError";
    this.kind = kind;
    this.status = details.status;
    this.retCode = details.retCode;
    this.retryAfterMs = details.retryAfterMs;
    this.simulated = details.simulated ?? false;
  }
}

/**
 * Runs `parse` over a response's body and gives any {@linkcode UpstreamError}
 * it throws the response's HTTP status and simulator mark, which the body's
 * parser cannot know; other errors pass unchanged.
 */
export function parseInResponse<T>(
  parse: () => T,
  response: { readonly status: number; readonly simulated: boolean },
): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    throw new UpstreamError(error.kind, error.message, {
      status: response.status,
      retCode: error.retCode,
      simulated: response.simulated,
    });
  }
}

// deno-lint-ignore no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]+/g;
const URLS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s)"'<>]+/gi;

/**
 * Makes text from the network or the runtime fit to show operators: URLs
 * replaced by `<url>`, control characters by spaces, at most `maxLength`
 * characters.
 */
export function operatorSafeText(
  text: string,
  maxLength = MAX_UPSTREAM_MESSAGE_LENGTH,
): string {
  const clean = text.replace(URLS, "<url>").replace(CONTROL_CHARACTERS, " ")
    .trim();
  return clean.length <= maxLength
    ? clean
    : `${clean.slice(0, maxLength - 1)}…`;
}
