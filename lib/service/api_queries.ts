/**
 * The alert and audit query strings as the routes read them: parsed by the
 * domain parser (`lib/alerts/alert_query.ts`), its refusals answered as a 400
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
import { resolveSymbol, type SymbolTable } from "../http/symbol_policy.ts";
import { answeringDomainErrors } from "./domain_errors.ts";

/** `GET /api/alerts` parameters; throws a 400/404 `HttpError`. */
export function readAlertListQuery(
  params: URLSearchParams,
  table: SymbolTable,
): AlertQuery & { readonly limit: number } {
  return withSymbol(
    answeringDomainErrors(() => parseAlertListQuery(params)),
    table,
  );
}

/** `GET /api/alerts.csv|.ndjson` parameters; throws a 400/404 `HttpError`. */
export function readAlertExportQuery(
  params: URLSearchParams,
  table: SymbolTable,
): AlertQuery {
  return withSymbol(
    answeringDomainErrors(() => parseAlertExportQuery(params)),
    table,
  );
}

/** `GET /api/audit` parameters; throws a 400/404 `HttpError`. */
export function readAuditQuery(
  params: URLSearchParams,
  table: SymbolTable,
): AuditQuery {
  return withSymbol(
    answeringDomainErrors(() => parseAuditQuery(params)),
    table,
  );
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
