/**
 * The alert, audit and candle query strings as the routes read them: parsed
 * by the domain parsers (`lib/alerts/alert_query.ts`,
 * `lib/candles/candle_query.ts`), their refusals answered as a 400
 * `invalid_query`, and `symbol` resolved by the symbol policy (400 malformed,
 * 404 untracked) to its canonical id, so rooms and filters never split by
 * case.
 */
import {
  type AlertQuery,
  type AuditQuery,
  parseAlertExportQuery,
  parseAlertListQuery,
  parseAuditQuery,
} from "../alerts/alert_query.ts";
import {
  type CandleRequest,
  parseCandleQuery,
} from "../candles/candle_query.ts";
import { resolveSymbol, type SymbolTable } from "../http/symbol_policy.ts";
import { answeringDomainErrors } from "./domain_errors.ts";

/** `GET /api/alerts` parameters; throws a 400/404 `HttpError`. */
export const readAlertListQuery: QueryReader<
  AlertQuery & { readonly limit: number }
> = reader(parseAlertListQuery);

/** `GET /api/alerts.csv|.ndjson` parameters; throws a 400/404 `HttpError`. */
export const readAlertExportQuery: QueryReader<AlertQuery> = reader(
  parseAlertExportQuery,
);

/** `GET /api/audit` parameters; throws a 400/404 `HttpError`. */
export const readAuditQuery: QueryReader<AuditQuery> = reader(parseAuditQuery);

/** `GET /api/candles` parameters; throws a 400/404 `HttpError`. */
export const readCandleQuery: QueryReader<CandleRequest> = reader(
  parseCandleQuery,
);

/** Reads one endpoint's query string against the tracked symbols. */
export type QueryReader<Q> = (params: URLSearchParams, table: SymbolTable) => Q;

/** `parse` with its refusals answered as 400s and its symbol resolved. */
function reader<Q extends { readonly symbol?: string }>(
  parse: (params: URLSearchParams) => Q,
): QueryReader<Q> {
  return (params, table) =>
    withSymbol(answeringDomainErrors(() => parse(params)), table);
}

function withSymbol<Q extends { readonly symbol?: string }>(
  query: Q,
  table: SymbolTable,
): Q {
  return {
    ...query,
    symbol: query.symbol === undefined
      ? undefined
      : resolveSymbol(query.symbol, table),
  };
}
