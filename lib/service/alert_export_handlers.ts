/**
 * The handlers behind `/api/alerts.csv` and `/api/alerts.ndjson`: the same
 * filters as `/api/alerts` (`limit` optional), streamed newest first as a
 * download in the route's format.
 */
import {
  type AlertExportFormat,
  alertExportResponse,
} from "../alerts/alert_export.ts";
import type { Handlers } from "../web/mod.ts";
import { readAlertExportQuery } from "./api_queries.ts";
import type { AppState } from "./app_state.ts";

/** A GET handler exporting the alert trail as `format`. */
export function alertExportHandlers(
  format: AlertExportFormat,
): Handlers<AppState> {
  return {
    GET: (_req, ctx) => {
      const { services } = ctx.state;
      const query = readAlertExportQuery(
        ctx.url.searchParams,
        services.symbolTable,
      );
      return alertExportResponse(services.streamAlerts(query), format, {
        now: services.clock.now(),
        limit: query.limit,
      });
    },
  };
}
