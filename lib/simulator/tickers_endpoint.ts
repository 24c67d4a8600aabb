/**
 * `GET /v5/market/tickers` as Bybit answers it, and as it fails under each
 * injected fault. Pure: the market, the query, the fault and the time in,
 * a `Response` out. Faults that are about *when* to answer (`latency`,
 * `timeout`) are the caller's; everything about *what* is answered is here.
 *
 * Error bodies follow what Bybit sends: error envelopes carry `result: {}`;
 * 403/429/5xx come from Bybit's edge as short non-JSON pages.
 */
import { jsonResponse } from "../web/mod.ts";
import type { Fault } from "./faults.ts";
import type { SimMarket } from "./market_model.ts";

/** A fault that changes the answer rather than its timing. */
export type ContentFault = Exclude<
  Fault,
  { readonly kind: "latency" } | { readonly kind: "timeout" }
>;

const RET_CODE_MESSAGES: Record<string, [number, string]> = {
  retcode10000: [10000, "Server Timeout"],
  retcode10001: [10001, "params error"],
  retcode10006: [10006, "Too many visits!"],
  retcode10016: [10016, "Request timeout, please try again later"],
};

const EDGE_PAGES: Record<string, [number, string, string]> = {
  http403: [403, "text/plain; charset=utf-8", "access too frequent"],
  http429: [429, "text/plain; charset=utf-8", "Too Many Requests"],
  http500: [500, "text/html", edgePage("500 Internal Server Error")],
  http502: [502, "text/html", edgePage("502 Bad Gateway")],
  http503: [503, "text/html", edgePage("503 Service Temporarily Unavailable")],
};

function edgePage(title: string): string {
  return `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>`;
}

/** A Bybit error envelope (HTTP 200) with `retCode` and `retMsg`. */
export function retCodeBody(
  retCode: number,
  retMsg: string,
  time: number,
  result: unknown = {},
): Record<string, unknown> {
  return { retCode, retMsg, result, retExtInfo: {}, time };
}

/**
 * Answers one tickers request at epoch `now` from `market`, whose category
 * the request names (the caller picks it; an unknown category gets no market
 * and is a params error); `symbol`, when given and not empty, must be
 * listed, exactly as spelled (Bybit symbols are uppercase).
 */
export function tickersResponse(
  market: SimMarket | undefined,
  query: URLSearchParams,
  fault: ContentFault | null,
  now: number,
): Response {
  const failed = faultAnswer(fault, now);
  if (failed) return failed;
  if (market === undefined || query.get("category") !== market.category) {
    return jsonResponse(retCodeBody(10001, "params error", now));
  }
  const symbol = query.get("symbol") || null;
  const unlisted = fault?.kind === "unlisted" ? fault.symbol : null;
  if (symbol !== null && (!market.lists(symbol) || symbol === unlisted)) {
    return jsonResponse(
      retCodeBody(10001, "Not supported symbols", now, {
        category: market.category,
        list: [],
      }),
    );
  }
  const items = (symbol === null ? market.tickers() : [market.ticker(symbol)!])
    .filter((item) => item.symbol !== unlisted)
    .map((item): Record<string, string> => ({ ...item }));
  const list = fault ? spoil(items, fault) : items;
  return okResponse({ category: market.category, list }, fault, now);
}

/**
 * The answer a transport fault (an edge page: 403, 429, 5xx) or a `retCode`
 * fault gives instead of data; null for faults that spoil the data itself.
 */
export function faultAnswer(
  fault: ContentFault | null,
  now: number,
): Response | null {
  const edge = fault && EDGE_PAGES[fault.kind];
  if (edge) {
    const [status, type, body] = edge;
    return new Response(body, { status, headers: { "content-type": type } });
  }
  const retCode = fault && RET_CODE_MESSAGES[fault.kind];
  return retCode ? jsonResponse(retCodeBody(...retCode, now)) : null;
}

/**
 * A success envelope around `result`; under the `malformed` fault the body
 * is cut mid-way, as a dropped connection behind a proxy would leave it.
 */
export function okResponse(
  result: unknown,
  fault: ContentFault | null,
  now: number,
): Response {
  const body = JSON.stringify({
    retCode: 0,
    retMsg: "OK",
    result,
    retExtInfo: {},
    time: now,
  });
  return new Response(
    fault?.kind === "malformed"
      ? body.slice(0, Math.ceil(body.length / 2))
      : body,
    { headers: { "content-type": "application/json; charset=utf-8" } },
  );
}

/** Applies an item-level fault to the first item (the list is a fresh copy). */
function spoil(
  items: Record<string, string>[],
  fault: ContentFault,
): Record<string, string>[] | null {
  const first = items[0];
  switch (fault.kind) {
    case "null-list":
      return null;
    case "empty-list":
      return [];
    case "missing-field":
      if (first) delete first.lastPrice;
      return items;
    case "empty-field":
      if (first) first.lastPrice = "";
      return items;
    case "bad-number":
      if (first) first.lastPrice = "abc";
      return items;
    default:
      return items;
  }
}
