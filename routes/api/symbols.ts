import { type Handlers, jsonResponse } from "../../lib/web/mod.ts";
import type { AppState } from "../../lib/service/app_state.ts";

/** The latest snapshot and threshold of every tracked symbol. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.symbols()),
};
