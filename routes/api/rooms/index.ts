import { jsonResponse } from "../../../lib/http/http_error.ts";
import type { AppState } from "../../../lib/service/app_state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

/** Subscriber counts per symbol and in total. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.rooms()),
};
