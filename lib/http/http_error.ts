/**
 * The one error type routes throw for an HTTP answer, and the one place that
 * turns errors into responses. Only 5xx are logged; their details never reach
 * the client.
 */
import type { ApiError } from "../protocol/api_types.ts";

/** Options of {@linkcode HttpError}. */
export interface HttpErrorOptions {
  /** Extra response headers (e.g. `Retry-After`). Default: none. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The error behind this one, for logs; never shown to the client. */
  readonly cause?: unknown;
}

/** An error that maps to an HTTP status and a `{error, detail}` body. */
export class HttpError extends Error {
  readonly status: number;
  /** Short machine-readable reason, e.g. `unknown_symbol`. */
  readonly code: string;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  /** `detail` is shown to the client, so it must not contain secrets. */
  constructor(
    status: number,
    code: string,
    detail: string,
    options: HttpErrorOptions = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
  }
}

/** A JSON response with `body`, `status` and extra `headers`. */
export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/**
 * The response for any thrown value: an `HttpError` as its JSON body, anything
 * else as a generic 500 that leaks nothing (the caller logs the original).
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    const body: ApiError = { error: error.code, detail: error.message };
    return jsonResponse(body, error.status, { ...error.headers });
  }
  const body: ApiError = {
    error: "internal_error",
    detail: "The server could not complete the request",
  };
  return jsonResponse(body, 500);
}
