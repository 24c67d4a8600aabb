import { type Handlers, jsonResponse } from "../../lib/web/mod.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import { parseSymbolIds } from "../../lib/http/symbol_ids.ts";

/**
 * The latest snapshot and threshold of every tracked symbol, or with
 * `?ids=A,B` of those among them still tracked (unknown ids are left out, so
 * a page can check a saved watchlist in one request).
 */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) =>
    jsonResponse(
      ctx.state.services.symbols(parseSymbolIds(ctx.url.searchParams)),
    ),
};
