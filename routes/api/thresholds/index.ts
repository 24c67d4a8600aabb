import { jsonResponse } from "../../../lib/http/http_error.ts";
import type { AppState } from "../../../lib/service/app_state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

/** Every symbol's whale threshold and whether writes are enabled. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.thresholds()),
};
