import { jsonResponse } from "../../lib/http/http_error.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import type { Handlers } from "../../lib/web/types.ts";

/** Recent alerts, newest first; `?symbol=` narrows to one symbol. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) =>
    jsonResponse(
      ctx.state.services.alerts(
        ctx.url.searchParams.get("symbol") ?? undefined,
      ),
    ),
};
