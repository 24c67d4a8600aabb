import { type Handlers, jsonResponse } from "../../../lib/web/mod.ts";
import type { AppState } from "../../../lib/service/app_state.ts";
import { parseSymbolIds } from "../../../lib/http/symbol_ids.ts";

/**
 * Subscriber counts per symbol and in total; with `?ids=A,B` per symbol
 * only for those (the total still counts every socket).
 */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) =>
    jsonResponse(
      ctx.state.services.rooms(parseSymbolIds(ctx.url.searchParams)),
    ),
};
