/**
 * Where domain validation errors become HTTP answers. Domain code (alerts,
 * ledger) throws small named errors and knows nothing of statuses; the
 * service, which answers the routes, maps each to a 400 with a stable `code`
 * and the error's message as the detail. Anything else passes through
 * untouched, for the one error handler to answer.
 */
import { AlertQueryError } from "../alerts/alert_query.ts";
import { CandleQueryError } from "../candles/candle_query.ts";
import { ThresholdUpdateError } from "../alerts/threshold_update.ts";
import { HttpError } from "../web/mod.ts";

// deno-lint-ignore no-explicit-any
type ErrorClass = abstract new (...args: any[]) => Error;

/** Each domain validation error and the `code` of its 400 answer. */
const BAD_REQUESTS: readonly (readonly [ErrorClass, string])[] = [
  [AlertQueryError, "invalid_query"],
  [CandleQueryError, "invalid_query"],
  [ThresholdUpdateError, "invalid_threshold"],
];

/**
 * `error` as the API answers it: a domain validation error becomes a 400
 * `HttpError` with its code and message (the original kept as `cause`);
 * anything else is returned as it is.
 */
export function toHttpError(error: unknown): unknown {
  for (const [type, code] of BAD_REQUESTS) {
    if (error instanceof type) {
      return new HttpError(400, code, error.message, { cause: error });
    }
  }
  return error;
}

/** Runs `fn`, rethrowing a domain validation error as its 400 `HttpError`. */
export function answeringDomainErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toHttpError(error);
  }
}
