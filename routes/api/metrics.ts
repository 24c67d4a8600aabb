import { type Handlers, jsonResponse } from "../../lib/web/mod.ts";
import type { AppState } from "../../lib/service/app_state.ts";

/** Counters and gauges as JSON (Prometheus text is at `/metrics`). */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.metrics()),
};
