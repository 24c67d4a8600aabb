import { type Handlers, jsonResponse } from "../../../lib/web/mod.ts";
import type { AppState } from "../../../lib/service/app_state.ts";

/** Every symbol's whale threshold and whether writes are enabled. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.thresholds()),
};
