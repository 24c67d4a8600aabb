/**
 * The query strings of the alert and audit endpoints, validated with zod at
 * the edge: `symbol`, `kind`, `since`, `until`, `cursor`, `limit`. Unknown or
 * repeated parameters are refused rather than ignored, so a typo such as
 * `?symbols=` gets a 400 instead of a silently unfiltered answer.
 *
 * Times are epoch milliseconds or ISO-8601 with an explicit zone (see
 * `protocol/query_params.ts`). `since` is inclusive, `until` exclusive.
 *
 * Domain code: a refused query is an {@linkcode AlertQueryError} (the route
 * answers it as a 400 `invalid_query`), and `symbol` is returned as given —
 * which symbols exist is the caller's to decide.
 */
import { z } from "zod";
import type { AlertKind } from "../protocol/frames.ts";
import { limitParam, readQuery, timeParam } from "../protocol/query_params.ts";
import { ALERT_ID_PATTERN } from "./alert_id.ts";
import { AUDIT_ID_PATTERN } from "./audit_id.ts";

/** Largest page of `GET /api/alerts` and `GET /api/audit`. */
export const MAX_PAGE_LIMIT = 500;
/** Page size when `limit` is absent. */
export const DEFAULT_PAGE_LIMIT = 100;
/** Most rows one export may be asked for with `limit`. */
export const MAX_EXPORT_LIMIT = 1_000_000;

const ALERT_KINDS = [
  "threshold_crossing",
  "volume_spike",
  "whale_trade",
  "price_level",
  "liquidation",
] as const satisfies readonly AlertKind[];

const alertCursor = z.string().regex(ALERT_ID_PATTERN, {
  error: "expected the next_cursor of a previous page",
});

const alertFilters = {
  symbol: z.string().optional(),
  kind: z.enum(ALERT_KINDS, {
    error: `expected one of ${ALERT_KINDS.join(", ")}`,
  }).optional(),
  since: timeParam.optional(),
  until: timeParam.optional(),
  cursor: alertCursor.optional(),
};

const alertListSchema = z.object({
  ...alertFilters,
  limit: limitParam(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
}).strict();

const alertExportSchema = z.object({
  ...alertFilters,
  limit: limitParam(MAX_EXPORT_LIMIT).optional(),
}).strict();

const auditSchema = z.object({
  symbol: z.string().optional(),
  cursor: z.string().regex(AUDIT_ID_PATTERN, {
    error: "expected the next_cursor of a previous page",
  }).optional(),
  limit: limitParam(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
}).strict();

/** A query string that was refused; the message names the parameter. */
export class AlertQueryError extends Error {
  /** `message` is shown to the caller, so it names the parameter and the rule. */
  constructor(message: string) {
    super(message);
    this.name = "AlertQueryError";
  }
}

/** A validated alert listing or export request; times are epoch ms. */
export interface AlertQuery {
  /** As given by the parser; canonical once the route resolved it. */
  readonly symbol?: string;
  readonly kind?: AlertKind;
  readonly since?: number;
  readonly until?: number;
  readonly cursor?: string;
  /** Page size (listing) or most rows (export; absent = all). */
  readonly limit?: number;
}

/** A validated audit request. */
export interface AuditQuery {
  /** As given by the parser; canonical once the route resolved it. */
  readonly symbol?: string;
  readonly cursor?: string;
  readonly limit: number;
}

/** `GET /api/alerts` parameters; throws an {@linkcode AlertQueryError}. */
export function parseAlertListQuery(
  params: URLSearchParams,
): AlertQuery & { readonly limit: number } {
  const query = parseWith(alertListSchema, params);
  return { ...checkAlertQuery(query), limit: query.limit };
}

/**
 * `GET /api/alerts.csv|.ndjson` parameters; throws an
 * {@linkcode AlertQueryError}.
 */
export function parseAlertExportQuery(params: URLSearchParams): AlertQuery {
  return checkAlertQuery(parseWith(alertExportSchema, params));
}

/** `GET /api/audit` parameters; throws an {@linkcode AlertQueryError}. */
export function parseAuditQuery(params: URLSearchParams): AuditQuery {
  return parseWith(auditSchema, params);
}

function checkAlertQuery(query: AlertQuery): AlertQuery {
  if (
    query.since !== undefined && query.until !== undefined &&
    query.since >= query.until
  ) {
    throw new AlertQueryError("since must be before until");
  }
  return query;
}

function parseWith<T extends z.ZodType>(
  schema: T,
  params: URLSearchParams,
): z.infer<T> {
  return readQuery(schema, params, (message) => new AlertQueryError(message));
}
