/**
 * `?ids=A,B`: the symbols a request asks about one by one, on the endpoints
 * whose answer lists every tracked symbol (`/api/symbols`, and the
 * per-symbol parts of `/api/diagnostics`, `/api/metrics`, `/api/rooms` and
 * `/api/thresholds`). A page asks only for the pairs it shows, so with a
 * whole market tracked it does not fetch a thousand symbols' figures to
 * draw a few.
 */
import { HttpError } from "../web/mod.ts";
import { MAX_STREAM_SYMBOLS } from "./stream_request.ts";

/** Most ids one `?ids=` names: a page's streamed pairs fit. */
export const MAX_SYMBOL_IDS = MAX_STREAM_SYMBOLS;

/**
 * The ids `params` names (trimmed, empty ones dropped; `ids=` names none),
 * or undefined without `ids` (every symbol). Throws a 400 `HttpError` past
 * {@linkcode MAX_SYMBOL_IDS}. Ids are not resolved here: unknown ones are
 * left out of the answer, so a page can ask for a saved watchlist as it is.
 */
export function parseSymbolIds(
  params: URLSearchParams,
): string[] | undefined {
  const raw = params.get("ids");
  if (raw === null) return undefined;
  const ids = raw.split(",").map((id) => id.trim()).filter((id) => id);
  if (ids.length > MAX_SYMBOL_IDS) {
    throw new HttpError(
      400,
      "invalid_query",
      `ids names at most ${MAX_SYMBOL_IDS} symbols, got ${ids.length}`,
    );
  }
  return ids;
}
