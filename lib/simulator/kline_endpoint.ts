/**
 * `GET /v5/market/kline` as Bybit answers it, from the simulated market's
 * own candles (`symbol_klines.ts`): rows of seven strings
 * `[startTime, open, high, low, close, volume, turnover]`, newest first,
 * prices on the symbol's tick grid, the bar in progress included, for
 * `category=spot` and `category=linear` (each from its own market). A
 * request without `category` is a params error, although Bybit would take it
 * as `linear`: that catches a client that forgot it. The injected faults
 * apply as they do to tickers.
 */
import { jsonResponse } from "../web/mod.ts";
import type { SimMarket } from "./market_model.ts";
import { groupBars, type KlineBar } from "./symbol_klines.ts";
import type { SymbolSpec } from "./symbol_specs.ts";
import {
  type ContentFault,
  faultAnswer,
  okResponse,
  retCodeBody,
} from "./tickers_endpoint.ts";
import { formatPrice } from "./spot_ticker.ts";

/** Path of the kline endpoint. */
export const KLINE_PATH = "/v5/market/kline";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** 1970-01-05, a Monday: Bybit's weeks start on Mondays (UTC). */
const FIRST_MONDAY_MS = 4 * DAY_MS;

interface IntervalRule {
  /** Typical length, ms (months: 31 days), to bound the rows read. */
  readonly ms: number;
  /** Build from minutes (true) or hours. */
  readonly fromMinutes: boolean;
  readonly slot: (t: number) => number;
}

const fixed = (ms: number): IntervalRule => ({
  ms,
  fromMinutes: ms < HOUR_MS,
  slot: (t) => Math.floor(t / ms) * ms,
});

const INTERVALS: Readonly<Record<string, IntervalRule>> = {
  "1": fixed(MINUTE_MS),
  "3": fixed(3 * MINUTE_MS),
  "5": fixed(5 * MINUTE_MS),
  "15": fixed(15 * MINUTE_MS),
  "30": fixed(30 * MINUTE_MS),
  "60": fixed(HOUR_MS),
  "120": fixed(2 * HOUR_MS),
  "240": fixed(4 * HOUR_MS),
  "360": fixed(6 * HOUR_MS),
  "720": fixed(12 * HOUR_MS),
  D: fixed(DAY_MS),
  W: {
    ms: 7 * DAY_MS,
    fromMinutes: false,
    slot: (t) =>
      Math.floor((t - FIRST_MONDAY_MS) / (7 * DAY_MS)) * 7 * DAY_MS +
      FIRST_MONDAY_MS,
  },
  M: {
    ms: 31 * DAY_MS,
    fromMinutes: false,
    slot: (t) => {
      const date = new Date(t);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    },
  },
};

const INTEGER = /^\d{1,15}$/;

function paramsError(now: number, message = "params error"): Response {
  return jsonResponse(retCodeBody(10001, message, now));
}

/**
 * Answers one kline request at epoch `now` from `market`, the simulated
 * market of the request's `category` (undefined: no such category here).
 */
export function klineResponse(
  market: SimMarket | undefined,
  query: URLSearchParams,
  fault: ContentFault | null,
  now: number,
): Response {
  const failed = faultAnswer(fault, now);
  if (failed) return failed;
  const category = query.get("category");
  const rule = INTERVALS[query.get("interval") ?? ""];
  const limitText = query.get("limit") ?? "200";
  const startText = query.get("start");
  const endText = query.get("end");
  if (
    !market || !rule || !INTEGER.test(limitText) ||
    (startText !== null && !INTEGER.test(startText)) ||
    (endText !== null && !INTEGER.test(endText))
  ) return paramsError(now);
  const limit = Number(limitText);
  if (limit < 1 || limit > 1_000) return paramsError(now);
  const symbol = query.get("symbol") ?? "";
  const klines = market.klines(symbol);
  const spec = market.spec(symbol);
  if (
    !klines || !spec || (fault?.kind === "unlisted" && fault.symbol === symbol)
  ) {
    return jsonResponse(
      retCodeBody(10001, "Not supported symbols", now, {
        category,
        symbol,
        list: [],
      }),
    );
  }
  const end = endText === null ? now : Number(endText);
  const start = startText === null
    ? end - (limit + 1) * rule.ms
    : Math.max(Number(startText), end - (limit + 1) * rule.ms);
  const from = rule.slot(start);
  const base = rule.fromMinutes
    ? klines.minutes(from, end + 1)
    : klines.hours(from, end + 1);
  const asked = startText === null ? -Infinity : Number(startText);
  const bars = groupBars(base, rule.slot)
    .filter((bar) => bar.t >= asked)
    .slice(-limit)
    .reverse();
  const rows = bars.map((bar) => formatRow(bar, spec));
  const list = fault ? spoilRows(rows, fault) : rows;
  return okResponse({ symbol, category, list }, fault, now);
}

/** A bar as Bybit prints it for `spec`. */
function formatRow(bar: KlineBar, spec: SymbolSpec): string[] {
  const decimals = spec.priceDecimals;
  return [
    String(bar.t),
    formatPrice(bar.o, decimals),
    formatPrice(bar.h, decimals),
    formatPrice(bar.l, decimals),
    formatPrice(bar.c, decimals),
    bar.v.toFixed(spec.sizeDecimals),
    bar.turnover.toFixed(4),
  ];
}

/** Applies a row-level fault to the first row (the rows are fresh copies). */
function spoilRows(rows: string[][], fault: ContentFault): string[][] | null {
  const first = rows[0];
  switch (fault.kind) {
    case "null-list":
      return null;
    case "empty-list":
      return [];
    case "missing-field":
      first?.pop();
      return rows;
    case "empty-field":
      if (first) first[1] = "";
      return rows;
    case "bad-number":
      if (first) first[1] = "abc";
      return rows;
    default:
      return rows;
  }
}
