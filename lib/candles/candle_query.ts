/**
 * The query string of `GET /api/candles`: `symbol` (required), `interval`
 * (`1s`, `1m`, `5m`, `15m`, `1h`, `4h`, `1d`; default `1m`), `from`
 * (inclusive) and `to` (exclusive) in epoch ms or ISO-8601 with a zone, and
 * `limit` (1–1,000, default 300). Unknown or repeated parameters are refused,
 * as for the alert trail.
 *
 * Domain code: a refused query is a {@linkcode CandleQueryError} (the service
 * answers it as a 400 `invalid_query`), and `symbol` is returned as given —
 * which symbols exist is the caller's to decide.
 */
import { z } from "zod";
import { CANDLE_INTERVALS, type CandleInterval } from "../protocol/candles.ts";
import { limitParam, readQuery, timeParam } from "../protocol/query_params.ts";

/** Most bars one request may ask for. */
export const MAX_CANDLES = 1_000;
/** Bars answered when `limit` is absent. */
export const DEFAULT_CANDLES = 300;

const candleQuerySchema = z.object({
  symbol: z.string({ error: "required: the symbol, e.g. BTC-USDT" }),
  interval: z.enum(CANDLE_INTERVALS, {
    error: `expected one of ${CANDLE_INTERVALS.join(", ")}`,
  }).default("1m"),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: limitParam(MAX_CANDLES).default(DEFAULT_CANDLES),
}).strict();

/** A candle query string that was refused; the message names the parameter. */
export class CandleQueryError extends Error {
  /** `message` is shown to the caller, so it names the parameter and the rule. */
  constructor(message: string) {
    super(message);
    this.name = "CandleQueryError";
  }
}

/** A validated candle request; times are epoch ms. */
export interface CandleRequest {
  /** As given; canonical once the route resolved it. */
  readonly symbol: string;
  readonly interval: CandleInterval;
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
}

/** `GET /api/candles` parameters; throws a {@linkcode CandleQueryError}. */
export function parseCandleQuery(params: URLSearchParams): CandleRequest {
  const query = readQuery(
    candleQuerySchema,
    params,
    (message) => new CandleQueryError(message),
  );
  if (
    query.from !== undefined && query.to !== undefined && query.from >= query.to
  ) {
    throw new CandleQueryError("from must be before to");
  }
  return query;
}
