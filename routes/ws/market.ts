import { parseMarketStream } from "../../lib/http/stream_request.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import type { Handlers } from "../../lib/web/mod.ts";
import { acceptStream } from "../../lib/service/accept_stream.ts";

/**
 * The whole market on one socket: at most one `market` frame a second with
 * every symbol that changed, plus every alert. Same origin, per-IP and rate
 * checks as the other stream routes.
 */
export const handler: Handlers<AppState> = {
  GET: (req, ctx) =>
    acceptStream(
      req,
      ctx.state,
      () => parseMarketStream(ctx.url.searchParams),
    ),
};
