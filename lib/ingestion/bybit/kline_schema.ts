/**
 * `GET /v5/market/kline` as Bybit documents it: an envelope whose
 * `result.list` holds one string array per candle,
 * `[startTime, openPrice, highPrice, lowPrice, closePrice, volume, turnover]`,
 * **newest first**, every number a string. Validated with zod row by row: a
 * bad row is counted and skipped, never allowed to cost the page; the
 * parsed bars come out oldest first, as the rest of the service keeps them.
 */
import { z } from "zod";
import type { Candle } from "../../protocol/candles.ts";
import { checkRetCode, decimalString, describeIssue } from "./bybit_schema.ts";
import { PLAUSIBLE } from "./plausible_ranges.ts";
import { UpstreamError } from "./upstream_error.ts";

/** Intervals `/v5/market/kline` accepts. */
export const KLINE_INTERVALS = [
  "1",
  "3",
  "5",
  "15",
  "30",
  "60",
  "120",
  "240",
  "360",
  "720",
  "D",
  "W",
  "M",
] as const;

/** One of {@linkcode KLINE_INTERVALS}. */
export type KlineInterval = typeof KLINE_INTERVALS[number];

/** Most rows one request may ask for (`limit`, 1–1000). */
export const MAX_KLINE_LIMIT = 1_000;

const startTime = z.string().regex(/^\d{1,15}$/, {
  error: "expected epoch milliseconds as a string",
}).transform(Number);
const price = decimalString({ range: PLAUSIBLE.price }).refine((n) => n > 0, {
  error: "expected a positive price",
});

/** One row: seven strings, in the documented order. */
export const klineRowSchema = z.tuple([
  startTime,
  price,
  price,
  price,
  price,
  decimalString({ range: PLAUSIBLE.size }),
  decimalString({ range: PLAUSIBLE.turnover }),
]).refine(
  ([, o, h, l, c]) => h >= Math.max(o, l, c) && l <= Math.min(o, c),
  { error: "high and low do not bound open and close" },
);

/** A successful kline envelope; rows stay `unknown` until checked one by one. */
export const klineEnvelopeSchema = z.object({
  retCode: z.literal(0),
  retMsg: z.string(),
  result: z.object({
    symbol: z.string(),
    category: z.string(),
    list: z.array(z.unknown()),
  }),
  retExtInfo: z.unknown(),
  time: z.number().int().nonnegative(),
});

/** One parsed page. */
export interface KlinePage {
  readonly symbol: string;
  readonly category: string;
  /** Valid rows as bars, oldest first; volume is the exchange's own. */
  readonly bars: Candle[];
  /** Rows that failed validation (skipped). */
  readonly rejected: number;
  /** Reason of the first rejected row, if any. */
  readonly firstRejection?: string;
  /** Rows in the page, valid or not (a full page means there may be more). */
  readonly rows: number;
  /** The envelope's `time`, epoch ms. */
  readonly time: number;
}

/**
 * Parses a decoded kline body. Throws an {@linkcode UpstreamError}:
 * `ret-code`/`rate-limited` for an error envelope, `invalid-envelope` when
 * the envelope is unusable or names another symbol or category than
 * `expect` asked for.
 */
export function parseKlinePage(
  body: unknown,
  expect: { readonly symbol: string; readonly category: string },
): KlinePage {
  checkRetCode(body);
  const envelope = klineEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    throw new UpstreamError(
      "invalid-envelope",
      `Invalid kline envelope: ${describeIssue(envelope.error)}`,
    );
  }
  const { result, time } = envelope.data;
  if (result.symbol !== expect.symbol || result.category !== expect.category) {
    throw new UpstreamError(
      "invalid-envelope",
      `Kline answer is for ${result.category} ${result.symbol}, asked for ${expect.category} ${expect.symbol}`,
    );
  }
  const bars: Candle[] = [];
  let rejected = 0;
  let firstRejection: string | undefined;
  for (const raw of result.list) {
    const row = klineRowSchema.safeParse(raw);
    if (!row.success) {
      rejected++;
      firstRejection ??= describeIssue(row.error);
      continue;
    }
    const [t, o, h, l, c, v, turnover] = row.data;
    bars.push({ t, o, h, l, c, v, turnover, volume_source: "trades" });
  }
  // Documented newest first; sorted anyway, and a start given twice kept once.
  bars.sort((a, b) => a.t - b.t);
  const unique = bars.filter((bar, i) => i === 0 || bar.t !== bars[i - 1].t);
  return {
    symbol: result.symbol,
    category: result.category,
    bars: unique,
    rejected,
    ...(firstRejection === undefined ? {} : { firstRejection }),
    rows: result.list.length,
    time,
  };
}
