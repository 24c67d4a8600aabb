import { type Handlers, jsonResponse } from "../../../lib/web/mod.ts";
import type { AppState } from "../../../lib/service/app_state.ts";
import { parseSymbolIds } from "../../../lib/http/symbol_ids.ts";

/**
 * Every symbol's thresholds (whale, trade, spike, liquidation), or with
 * `?ids=A,B` those symbols', and whether writes are enabled.
 */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) =>
    jsonResponse(
      ctx.state.services.thresholds(parseSymbolIds(ctx.url.searchParams)),
    ),
};
