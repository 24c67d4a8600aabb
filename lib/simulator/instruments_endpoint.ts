/**
 * `GET /v5/market/instruments-info` as Bybit answers it: every instrument of
 * a category with its coins and status, spot in one page, linear paged by
 * `limit` (default 500, at most 1,000) and `cursor` (`nextPageCursor` of the
 * previous page, empty on the last). Beside the simulated markets the
 * listing carries instruments the service must not follow — a USDC pair, a
 * pair quoted in BTC, a USDC perpetual, a dated future, one not trading yet
 * — so its filter is exercised. Pure: markets, query, fault and time in, a
 * `Response` out.
 */
import { jsonResponse } from "../web/mod.ts";
import type { SimMarket } from "./market_model.ts";
import {
  type ContentFault,
  faultAnswer,
  retCodeBody,
} from "./tickers_endpoint.ts";

/** Path of the instruments endpoint. */
export const INSTRUMENTS_PATH = "/v5/market/instruments-info";

/** Linear page size when `limit` is not given, and the largest accepted. */
export const DEFAULT_PAGE_LIMIT = 500;
export const MAX_PAGE_LIMIT = 1_000;

/** Listed but not followed: other quotes, dated futures, not trading yet. */
const UNFOLLOWED: Readonly<
  Record<"spot" | "linear", readonly Record<string, string>[]>
> = {
  spot: [
    {
      symbol: "BTCUSDC",
      baseCoin: "BTC",
      quoteCoin: "USDC",
      status: "Trading",
    },
    { symbol: "ETHBTC", baseCoin: "ETH", quoteCoin: "BTC", status: "Trading" },
  ],
  linear: [
    {
      symbol: "BTCPERP",
      baseCoin: "BTC",
      quoteCoin: "USDC",
      status: "Trading",
      contractType: "LinearPerpetual",
    },
    {
      symbol: "BTC-26JUN26",
      baseCoin: "BTC",
      quoteCoin: "USDT",
      status: "Trading",
      contractType: "LinearFutures",
    },
    {
      symbol: "NEXTUSDT",
      baseCoin: "NEXT",
      quoteCoin: "USDT",
      status: "PreLaunch",
      contractType: "LinearPerpetual",
    },
  ],
};

const CURSOR = /^page-(\d{1,7})$/;

/** One instrument as Bybit lists it (the fields a client reads, and a few more). */
function instrument(
  market: SimMarket,
  symbol: string,
  priceDecimals: number,
): Record<string, unknown> {
  const base = symbol.replace(/USDT$/, "");
  const tickSize = (10 ** -priceDecimals).toFixed(priceDecimals);
  return market.category === "spot"
    ? {
      symbol,
      baseCoin: base,
      quoteCoin: "USDT",
      innovation: "0",
      status: "Trading",
      marginTrading: "both",
      priceFilter: { tickSize },
    }
    : {
      symbol,
      contractType: "LinearPerpetual",
      status: "Trading",
      baseCoin: base,
      quoteCoin: "USDT",
      launchTime: "1585526400000",
      deliveryTime: "0",
      priceScale: String(priceDecimals),
      priceFilter: { tickSize },
      fundingInterval: 480,
      settleCoin: "USDT",
    };
}

/**
 * Answers one instruments request at epoch `now` from `markets` (one per
 * category). A category without a market, a bad `limit` or an unknown
 * `cursor` is a params error, as on Bybit.
 */
export function instrumentsResponse(
  markets: Readonly<Record<"spot" | "linear", SimMarket>>,
  query: URLSearchParams,
  fault: ContentFault | null,
  now: number,
): Response {
  const answered = faultAnswer(fault, now);
  if (answered) return answered;
  const category = query.get("category");
  if (category !== "spot" && category !== "linear") {
    return jsonResponse(retCodeBody(10001, "params error", now));
  }
  const market = markets[category];
  const list = [
    ...market.specs().map((spec) =>
      instrument(market, spec.symbol, spec.priceDecimals)
    ),
    ...UNFOLLOWED[category],
  ];
  if (category === "spot") {
    return jsonResponse({
      retCode: 0,
      retMsg: "OK",
      result: { category, list },
      retExtInfo: {},
      time: now,
    });
  }
  const rawLimit = query.get("limit");
  const limit = rawLimit === null || rawLimit === ""
    ? DEFAULT_PAGE_LIMIT
    : Number(rawLimit);
  const rawCursor = query.get("cursor");
  const cursor = rawCursor === null || rawCursor === ""
    ? 0
    : Number(CURSOR.exec(rawCursor)?.[1] ?? NaN);
  if (
    !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT ||
    !Number.isInteger(cursor) || cursor > list.length
  ) {
    return jsonResponse(retCodeBody(10001, "params error", now));
  }
  const end = cursor + limit;
  return jsonResponse({
    retCode: 0,
    retMsg: "OK",
    result: {
      category,
      list: list.slice(cursor, end),
      nextPageCursor: end < list.length ? `page-${end}` : "",
    },
    retExtInfo: {},
    time: now,
  });
}
