import { type Handlers, jsonResponse } from "../../lib/web/mod.ts";
import type { AppState } from "../../lib/service/app_state.ts";

/** Health grade, upstream latency and freshness, from ingestion state only. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.diagnostics()),
};
