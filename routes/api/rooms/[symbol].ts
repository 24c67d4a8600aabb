import { jsonResponse } from "../../../lib/http/http_error.ts";
import type { AppState } from "../../../lib/service/app_state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

/** Subscriber count of one symbol (400 invalid, 404 unknown). */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.room(ctx.params.symbol)),
};
