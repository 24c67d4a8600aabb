import { type Handlers, jsonResponse } from "../../../lib/web/mod.ts";
import type { AppState } from "../../../lib/service/app_state.ts";

/** Subscriber counts per symbol and in total. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.rooms()),
};
