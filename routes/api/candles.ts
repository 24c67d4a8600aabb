import { type Handlers, jsonResponse } from "../../lib/web/mod.ts";
import { readCandleQuery } from "../../lib/service/api_queries.ts";
import type { AppState } from "../../lib/service/app_state.ts";

/**
 * OHLCV bars of one symbol, oldest first, with the outages they overlap:
 * `?symbol=&interval=&from=&to=&limit=` (see `lib/candles/candle_query.ts`).
 */
export const handler: Handlers<AppState> = {
  GET: async (_req, ctx) => {
    const { services } = ctx.state;
    const query = readCandleQuery(ctx.url.searchParams, services.symbolTable);
    return jsonResponse(await services.candles(query));
  },
};
