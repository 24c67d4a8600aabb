import { type Handlers, HttpError, jsonResponse } from "../../lib/web/mod.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import { MAX_STREAM_SYMBOLS as MAX_SYMBOL_IDS } from "../../lib/http/stream_request.ts";

/** Most ids one `?ids=` names: a page's watchlist and selection fit. */
/**
 * The latest snapshot and threshold of every tracked symbol, or with
 * `?ids=A,B` of those among them still tracked (unknown ids are left out, so
 * a page can check a saved watchlist in one request).
 */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => {
    const raw = ctx.url.searchParams.get("ids");
    if (raw === null) return jsonResponse(ctx.state.services.symbols());
    const ids = raw.split(",").map((id) => id.trim()).filter((id) => id);
    if (ids.length > MAX_SYMBOL_IDS) {
      throw new HttpError(
        400,
        "invalid_query",
        `ids names at most ${MAX_SYMBOL_IDS} symbols, got ${ids.length}`,
      );
    }
    return jsonResponse(ctx.state.services.symbols(ids));
  },
};
