import { type Handlers, jsonResponse } from "../../lib/web/mod.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import { parseSymbolIds } from "../../lib/http/symbol_ids.ts";

/**
 * Counters and gauges as JSON (Prometheus text is at `/metrics`); with
 * `?ids=A,B` the alert counts per symbol list only those (the totals still
 * count every symbol).
 */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) =>
    jsonResponse(
      ctx.state.services.metrics(parseSymbolIds(ctx.url.searchParams)),
    ),
};
