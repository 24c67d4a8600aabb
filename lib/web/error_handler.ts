/**
 * The one place a thrown error becomes a response. The runtime hands it its
 * own refusals (no route: 404, wrong method: 405) and whatever escapes every
 * middleware; an app's root middleware hands it what it catches so its own
 * headers still wrap the answer. Expected refusals (4xx `HttpError`s) are
 * answered quietly; 5xx and unexpected errors are logged, and the client
 * learns nothing about them.
 */
import { errorResponse, HttpError } from "./http_error.ts";

/** Turns a thrown value into the response for `req`. */
export type ErrorHandler = (
  error: unknown,
  req: Request,
) => Response | Promise<Response>;

/** Where the handler reports failures (structurally the app's logger). */
export interface ErrorLogger {
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Options of {@linkcode errorHandler}. */
export interface ErrorHandlerOptions {
  /** Where 5xx and unexpected errors are reported. */
  readonly logger: ErrorLogger;
}

/** True when `error` is worth a log line: a 5xx or not an `HttpError` at all. */
export function isServerFault(error: unknown): boolean {
  return !(error instanceof HttpError) || error.status >= 500;
}

/**
 * The error handler: an `HttpError` becomes its JSON answer, anything else a
 * generic 500; only server faults are logged (method, path and the error).
 */
export function errorHandler(options: ErrorHandlerOptions): ErrorHandler {
  const { logger } = options;
  return function handleError(error: unknown, req: Request): Response {
    if (isServerFault(error)) {
      logger.error("Request failed", {
        method: req.method,
        path: new URL(req.url).pathname,
        error: error instanceof Error ? error : String(error),
      });
    }
    return errorResponse(error);
  };
}
