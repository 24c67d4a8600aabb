import { type Handlers, jsonResponse } from "../../../lib/web/mod.ts";
import type { AppState } from "../../../lib/service/app_state.ts";

/** Subscriber count of one symbol (400 invalid, 404 unknown). */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.room(ctx.params.symbol)),
};
