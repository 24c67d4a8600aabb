import { jsonResponse } from "../../lib/http/http_error.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import type { Handlers } from "../../lib/web/types.ts";

/** The latest snapshot and threshold of every tracked symbol. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.symbols()),
};
