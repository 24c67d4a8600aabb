import { type Handlers, jsonResponse } from "../../lib/web/mod.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import { parseSymbolIds } from "../../lib/http/symbol_ids.ts";

/**
 * Health grade, upstream latency and freshness, from ingestion state only;
 * with `?ids=A,B` the per-symbol freshness lists only those (the grade
 * still counts every symbol).
 */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) =>
    jsonResponse(
      ctx.state.services.diagnostics(parseSymbolIds(ctx.url.searchParams)),
    ),
};
