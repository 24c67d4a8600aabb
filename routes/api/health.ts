import { jsonResponse } from "../../lib/http/http_error.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import type { Handlers } from "../../lib/web/types.ts";

/** Liveness: answers while the server runs. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.health()),
};
