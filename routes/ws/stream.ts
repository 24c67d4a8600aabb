import { parseMultiplexedStream } from "../../lib/http/stream_request.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import type { Handlers } from "../../lib/web/mod.ts";
import { acceptStream } from "../../lib/service/accept_stream.ts";

/** Several symbols over one socket: `?symbols=A,B&since=A:1,B:2&epoch=<epoch>`. */
export const handler: Handlers<AppState> = {
  GET: (req, ctx) =>
    acceptStream(
      req,
      ctx.state,
      (table) => parseMultiplexedStream(ctx.url.searchParams, table),
    ),
};
