import { jsonResponse } from "../../lib/http/http_error.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import type { Handlers } from "../../lib/web/types.ts";

/** Health grade, upstream latency and freshness, from ingestion state only. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.diagnostics()),
};
