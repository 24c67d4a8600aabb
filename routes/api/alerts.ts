import { parseAlertListQuery } from "../../lib/alerts/alert_query.ts";
import { jsonResponse } from "../../lib/http/http_error.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import type { Handlers } from "../../lib/web/types.ts";

/**
 * The durable alert trail, newest first, one page at a time:
 * `?symbol=&kind=&since=&until=&cursor=&limit=` (see `alert_query.ts`).
 */
export const handler: Handlers<AppState> = {
  GET: async (_req, ctx) => {
    const { services } = ctx.state;
    const query = parseAlertListQuery(
      ctx.url.searchParams,
      services.symbolTable,
    );
    return jsonResponse(await services.listAlerts(query));
  },
};
