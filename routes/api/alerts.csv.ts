import { alertExportResponse } from "../../lib/alerts/alert_export.ts";
import { parseAlertExportQuery } from "../../lib/alerts/alert_query.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import type { Handlers } from "../../lib/web/types.ts";

/**
 * The alert trail as a streamed CSV download (header row, RFC 4180 quoting),
 * newest first; the same filters as `/api/alerts`, `limit` optional.
 */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => {
    const { services } = ctx.state;
    const query = parseAlertExportQuery(
      ctx.url.searchParams,
      services.symbolTable,
    );
    return alertExportResponse(services.streamAlerts(query), "csv", {
      now: Date.now(),
      limit: query.limit,
    });
  },
};
