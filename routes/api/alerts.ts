import { type Handlers, jsonResponse } from "../../lib/web/mod.ts";
import { readAlertListQuery } from "../../lib/service/api_queries.ts";
import type { AppState } from "../../lib/service/app_state.ts";

/**
 * The durable alert trail, newest first, one page at a time:
 * `?symbol=&kind=&since=&until=&cursor=&limit=` (see `lib/alerts/alert_query.ts`).
 */
export const handler: Handlers<AppState> = {
  GET: async (_req, ctx) => {
    const { services } = ctx.state;
    const query = readAlertListQuery(
      ctx.url.searchParams,
      services.symbolTable,
    );
    return jsonResponse(await services.listAlerts(query));
  },
};
