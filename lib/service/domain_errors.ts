/**
 * Where domain errors become HTTP answers. Domain code (alerts, candles,
 * ledger) throws small named errors and knows nothing of statuses; the
 * service, which answers the routes, maps each to its status (400 for a
 * refused query or value, 404 for an unknown price alert, 409 past the price
 * alerts' bound) with a stable `code` and the error's message as the
 * detail. Anything else passes through untouched, for the one error handler
 * to answer.
 */
import { AlertQueryError } from "../alerts/alert_query.ts";
import { CandleQueryError } from "../candles/candle_query.ts";
import {
  PriceAlertLimitError,
  PriceAlertNotFoundError,
} from "../alerts/price_alert_errors.ts";
import { ThresholdUpdateError } from "../alerts/threshold_update.ts";
import { HttpError } from "../web/mod.ts";

// deno-lint-ignore no-explicit-any
type ErrorClass = abstract new (...args: any[]) => Error;

/** Each domain error, the status and the `code` of its answer. */
const DOMAIN_ERRORS: readonly (readonly [ErrorClass, number, string])[] = [
  [AlertQueryError, 400, "invalid_query"],
  [CandleQueryError, 400, "invalid_query"],
  [ThresholdUpdateError, 400, "invalid_threshold"],
  [PriceAlertNotFoundError, 404, "unknown_price_alert"],
  [PriceAlertLimitError, 409, "too_many_price_alerts"],
];

/**
 * `error` as the API answers it: a domain error becomes an `HttpError` with
 * its status, code and message (the original kept as `cause`); anything
 * else is returned as it is.
 */
export function toHttpError(error: unknown): unknown {
  for (const [type, status, code] of DOMAIN_ERRORS) {
    if (error instanceof type) {
      return new HttpError(status, code, error.message, { cause: error });
    }
  }
  return error;
}

/** Runs `fn`, rethrowing a domain error as its `HttpError`. */
export function answeringDomainErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toHttpError(error);
  }
}

/** Awaits `fn`, rethrowing a domain error as its `HttpError`. */
export async function answeringDomainErrorsAsync<T>(
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toHttpError(error);
  }
}
