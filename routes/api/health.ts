import { type Handlers, jsonResponse } from "../../lib/web/mod.ts";
import type { AppState } from "../../lib/service/app_state.ts";

/** Liveness: answers while the server runs. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => jsonResponse(ctx.state.services.health()),
};
