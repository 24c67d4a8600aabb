/**
 * The query strings of the alert and audit endpoints, validated with zod at
 * the edge: `symbol`, `kind`, `since`, `until`, `cursor`, `limit`. Unknown or
 * repeated parameters are refused rather than ignored, so a typo such as
 * `?symbols=` gets a 400 instead of a silently unfiltered answer.
 *
 * Times are epoch milliseconds or ISO-8601 with an explicit zone (`Z` or
 * `±hh:mm`); a date-time without a zone would mean the server's local time,
 * which nobody can see. An unencoded `+` in an offset arrives as a space
 * (form encoding) and is read as `+`. `since` is inclusive, `until` exclusive.
 *
 * Domain code: a refused query is an {@linkcode AlertQueryError} (the route
 * answers it as a 400 `invalid_query`), and `symbol` is returned as given —
 * which symbols exist is the caller's to decide.
 */
import { z } from "zod";
import type { AlertKind } from "../protocol/frames.ts";
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
] as const satisfies readonly AlertKind[];

const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

const timeParam = z.string().transform((raw, ctx) => {
  const text = raw.replace(/ (\d{2}:\d{2})$/, "+$1");
  const ms = /^\d{1,15}$/.test(text)
    ? Number(text)
    : ISO_TIME.test(text)
    ? Date.parse(text)
    : NaN;
  if (!Number.isFinite(ms)) {
    ctx.addIssue({
      code: "custom",
      message:
        "expected epoch milliseconds or an ISO-8601 time with a zone, e.g. 2024-01-02T03:04:05Z",
    });
    return z.NEVER;
  }
  return ms;
});

const limitParam = (max: number) =>
  z.string().regex(/^\d{1,7}$/, {
    error: `expected an integer from 1 to ${max}`,
  })
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, {
      error: `expected an integer from 1 to ${max}`,
    });

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

/**
 * Refuses a repeated parameter, then validates with `schema`. Names are
 * collected into a `Set` and the object built with `Object.fromEntries`, so
 * a name such as `__proto__` or `constructor` is an own key the strict
 * schema reports as unknown, never something found on the prototype chain.
 */
function parseWith<T extends z.ZodType>(
  schema: T,
  params: URLSearchParams,
): z.infer<T> {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) {
      throw new AlertQueryError(`${name}: give each parameter at most once`);
    }
    seen.add(name);
  }
  const parsed = schema.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    throw new AlertQueryError(
      parsed.error.issues.map((issue) =>
        issue.code === "unrecognized_keys"
          ? `unknown parameter ${issue.keys.join(", ")}`
          : `${issue.path.join(".") || "query"}: ${issue.message}`
      ).join("; "),
    );
  }
  return parsed.data;
}
