import { parseSingleStream } from "../../../lib/http/stream_request.ts";
import type { AppState } from "../../../lib/service/app_state.ts";
import type { Handlers } from "../../../lib/web/mod.ts";
import { acceptStream } from "../../../lib/service/accept_stream.ts";

/** One symbol's stream: `?since=<seq>&epoch=<epoch>` resumes. */
export const handler: Handlers<AppState> = {
  GET: (req, ctx) =>
    acceptStream(
      req,
      ctx.state,
      (table) =>
        parseSingleStream(ctx.params.symbol, ctx.url.searchParams, table),
    ),
};
