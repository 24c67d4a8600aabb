/**
 * The one error type that carries an HTTP answer, as in Fresh: routes,
 * middleware and the runtime itself (404, 405) throw `HttpError`, and the one
 * error handler (`error_handler.ts`) turns whatever was thrown into a
 * response. Part of the web runtime so the framework stays self-contained;
 * the app's edge code (`lib/http`) re-uses it.
 *
 * Every error answer is JSON `{error, detail}`: `error` a short
 * machine-readable code, `detail` a sentence for humans. Only an `HttpError`
 * chooses what the client sees; anything else becomes a generic 500 that
 * reveals nothing.
 */

/** Options of {@linkcode HttpError}. */
export interface HttpErrorOptions {
  /** Extra response headers (e.g. `Retry-After`, `Allow`). Default: none. */
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

/** The body of every error answer. */
export interface ErrorBody {
  /** Short machine-readable reason, e.g. `not_found`. */
  readonly error: string;
  /** A sentence for humans: what was wrong and what is expected. */
  readonly detail: string;
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
 * The response for any thrown value: an `HttpError` as its JSON body and
 * headers, anything else as a generic 500 that leaks nothing (the caller logs
 * the original).
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    const body: ErrorBody = { error: error.code, detail: error.message };
    return jsonResponse(body, error.status, { ...error.headers });
  }
  const body: ErrorBody = {
    error: "internal_error",
    detail: "The server could not complete the request",
  };
  return jsonResponse(body, 500);
}
