/**
 * zod schemas for Bybit V5 public market data, and the parser that turns a
 * REST `/v5/market/tickers?category=spot|linear` body into normalised ticks.
 *
 * Bybit sends every number as a string and `""` for "not applicable". The
 * number helpers below are shared by every schema (the WebSocket `tickers.*`
 * and `publicTrade.*` messages use the same conventions and get their own
 * exports here). Items are validated one at a time: a bad item is reported and
 * skipped, never allowed to cost the other symbols their tick. Only tracked
 * symbols are validated at all — a spot list holds hundreds of tickers and
 * validating the ones nobody watches would be wasted work on every poll.
 */
import { z } from "zod";
import {
  MARKET_CATEGORIES,
  type MarketCategory,
  type TrackedSymbol,
} from "../../market/tracked_symbol.ts";
import type { MarketTick } from "../../market/market_tick.ts";
import { PLAUSIBLE, type PlausibleRange } from "./plausible_ranges.ts";
import {
  type DecimalField,
  FieldProblem,
  readDecimal,
  readDecimalFields,
} from "./decimal_fields.ts";
import { operatorSafeText, UpstreamError } from "./upstream_error.ts";

/** Bybit `retCode` for "too many visits": a rate limit, not a plain error. */
export const RET_CODE_TOO_MANY_VISITS = 10006;

/** Options of the decimal-string schemas. */
export interface DecimalOptions {
  /**
   * Where the value must lie to be believed ({@linkcode PLAUSIBLE}). Default:
   * any finite number.
   */
  readonly range?: PlausibleRange;
}

/**
 * A number sent as a decimal string, parsed to a finite number. `""` is not
 * accepted here: use {@linkcode optionalDecimalString} for fields that may be
 * blank.
 */
export function decimalString(options: DecimalOptions = {}) {
  return z.string().transform((raw, ctx) => toDecimal(raw, ctx, options.range));
}

/** Like {@linkcode decimalString}, but `""` or a missing field is absent. */
export function optionalDecimalString(options: DecimalOptions = {}) {
  return z.string().optional().transform((raw, ctx) =>
    raw === undefined || raw === ""
      ? undefined
      : toDecimal(raw, ctx, options.range)
  );
}

function toDecimal(
  raw: string,
  ctx: z.core.$RefinementCtx<unknown>,
  range: PlausibleRange | undefined,
): number {
  const value = readDecimal(raw, range);
  if (typeof value === "number") return value;
  ctx.addIssue({ code: "custom", message: value });
  return z.NEVER;
}

/**
 * The fields every ticker carries, spot or perpetual, as zod checks them:
 * strings (or absent where optional). Their numbers are read afterwards by
 * one loop over {@linkcode SPOT_DECIMALS} (see `decimal_fields.ts` for why).
 */
const tickerStrings = {
  symbol: z.string(),
  lastPrice: z.string(),
  highPrice24h: z.string(),
  lowPrice24h: z.string(),
  turnover24h: z.string(),
  price24hPcnt: z.string(),
  volume24h: z.string().optional(),
  bid1Price: z.string().optional(),
  ask1Price: z.string().optional(),
};

/** The numbers of a spot ticker, in the order they are read and reported. */
const SPOT_DECIMALS: readonly DecimalField[] = [
  { key: "lastPrice", range: PLAUSIBLE.price },
  { key: "highPrice24h", range: PLAUSIBLE.price },
  { key: "lowPrice24h", range: PLAUSIBLE.price },
  { key: "turnover24h", range: PLAUSIBLE.turnover },
  { key: "price24hPcnt", range: PLAUSIBLE.change },
  { key: "volume24h", range: PLAUSIBLE.size, optional: true },
  { key: "bid1Price", range: PLAUSIBLE.price, optional: true },
  { key: "ask1Price", range: PLAUSIBLE.price, optional: true },
];

/**
 * A perpetual's numbers: the spot ones plus the contract's. The contract
 * fields are optional: a blank one (`""`) is absent, never a reason to drop
 * the tick.
 */
const LINEAR_DECIMALS: readonly DecimalField[] = [
  ...SPOT_DECIMALS,
  { key: "markPrice", range: PLAUSIBLE.price, optional: true },
  { key: "indexPrice", range: PLAUSIBLE.price, optional: true },
  { key: "openInterest", range: PLAUSIBLE.size, optional: true },
  { key: "openInterestValue", range: PLAUSIBLE.turnover, optional: true },
  { key: "fundingRate", range: PLAUSIBLE.change, optional: true },
  { key: "nextFundingTime", range: PLAUSIBLE.epochMs, optional: true },
];

/**
 * The string shape of one spot ticker (`/v5/market/tickers` item or the
 * `data` of a `tickers.*` push), restricted to the fields this service
 * consumes. Other fields (`usdIndexPrice`, sizes, `prevPrice24h`) are not
 * validated — a bad value in a field we ignore must not cost us a tick — and
 * are stripped.
 */
export const spotTickerStringsSchema = z.object(tickerStrings);

/** The string shape of one USDT perpetual (`linear`) ticker. */
export const linearTickerStringsSchema = z.object({
  ...tickerStrings,
  markPrice: z.string().optional(),
  indexPrice: z.string().optional(),
  openInterest: z.string().optional(),
  openInterestValue: z.string().optional(),
  fundingRate: z.string().optional(),
  nextFundingTime: z.string().optional(),
});

/** A ticker's string shape with its decimal strings read as numbers. */
type WithNumbers<T> = {
  readonly [K in keyof T]: K extends "symbol" ? T[K] : number;
};

/** A validated spot ticker item. */
export type SpotTickerItem = WithNumbers<
  z.infer<typeof spotTickerStringsSchema>
>;

/**
 * A validated linear ticker item: the spot fields plus the contract's mark
 * and index prices, open interest (contracts and USDT value), funding rate
 * and next funding time (ms, sent as a string).
 */
export type LinearTickerItem = WithNumbers<
  z.infer<typeof linearTickerStringsSchema>
>;

/**
 * Reads the numbers of a ticker zod has shaped ({@linkcode
 * spotTickerStringsSchema} or {@linkcode linearTickerStringsSchema}, by
 * `category`): every one finite and plausible, and the 24 h high not below
 * the low. Returns the item, or the first problem.
 */
export function tickerFromStrings(
  strings: z.infer<typeof linearTickerStringsSchema>,
  category: MarketCategory,
): LinearTickerItem | FieldProblem {
  const read = readDecimalFields(
    strings,
    category === "spot" ? SPOT_DECIMALS : LINEAR_DECIMALS,
    { symbol: strings.symbol },
  );
  if (read instanceof FieldProblem) return read;
  const ticker = read as LinearTickerItem;
  if (ticker.highPrice24h < ticker.lowPrice24h) {
    return new FieldProblem(
      "highPrice24h",
      "highPrice24h is below lowPrice24h",
    );
  }
  return ticker;
}

/**
 * Validates a linear ticker as the stream merged it (`ticker_book.ts`):
 * shape, then numbers. Returns the item, or the first problem.
 */
export function readLinearTicker(
  fields: unknown,
): LinearTickerItem | FieldProblem {
  const strings = linearTickerStringsSchema.safeParse(fields);
  if (!strings.success) return firstProblem(strings.error);
  return tickerFromStrings(strings.data, "linear");
}

/** The first issue of a zod error as a {@linkcode FieldProblem}. */
export function firstProblem(error: z.ZodError): FieldProblem {
  const issue = error.issues[0];
  return new FieldProblem(
    issue === undefined ? "" : issue.path.join("."),
    issue?.message ?? "invalid",
  );
}

/** Turns a problem into an issue of a zod transform (for the item schemas). */
function asIssue<T>(
  read: T | FieldProblem,
  ctx: z.core.$RefinementCtx<unknown>,
): T {
  if (!(read instanceof FieldProblem)) return read;
  ctx.addIssue({ code: "custom", path: [read.path], message: read.message });
  return z.NEVER;
}

/**
 * One spot item of `/v5/market/tickers`: {@linkcode spotTickerStringsSchema}
 * with its numbers read. For the REST poll and tests; the stream's hot path
 * calls the two steps itself, without a zod transform.
 */
export const spotTickerItemSchema = spotTickerStringsSchema.transform((
  strings,
  ctx,
) => asIssue<SpotTickerItem>(tickerFromStrings(strings, "spot"), ctx));

/** One USDT perpetual (`linear`) ticker item, numbers read. */
export const linearTickerItemSchema = linearTickerStringsSchema.transform((
  strings,
  ctx,
) => asIssue(tickerFromStrings(strings, "linear"), ctx));

/** The item schema of `category`. */
export function tickerItemSchema(
  category: MarketCategory,
): typeof spotTickerItemSchema | typeof linearTickerItemSchema {
  return category === "spot" ? spotTickerItemSchema : linearTickerItemSchema;
}

/**
 * The head every V5 REST response shares. Checked first so an error envelope
 * (whose `result` is `{}`) is reported by its `retCode`, not as malformed.
 */
export const bybitEnvelopeHeadSchema = z.object({
  retCode: z.number().int(),
  retMsg: z.string().catch(""),
});

/**
 * A successful tickers envelope. `list` items stay `unknown` here: each is
 * validated on its own by {@linkcode parseTickers}.
 */
export const tickersEnvelopeSchema = z.object({
  retCode: z.literal(0),
  result: z.object({
    category: z.enum(MARKET_CATEGORIES).optional(),
    list: z.array(z.unknown()),
  }),
  time: z.number().int().nonnegative(),
});

/**
 * Throws an {@linkcode UpstreamError} unless `body` is a V5 envelope with
 * `retCode` 0: `ret-code` (or `rate-limited` for 10006) for an error
 * envelope, `invalid-envelope` when there is no envelope head at all.
 */
export function checkRetCode(body: unknown): void {
  const head = bybitEnvelopeHeadSchema.safeParse(body);
  if (!head.success) {
    throw new UpstreamError(
      "invalid-envelope",
      `Invalid response envelope: ${describeIssue(head.error)}`,
    );
  }
  const { retCode, retMsg } = head.data;
  if (retCode !== 0) {
    throw new UpstreamError(
      retCode === RET_CODE_TOO_MANY_VISITS ? "rate-limited" : "ret-code",
      `Bybit retCode ${retCode}: ${retMsg || "no message"}`,
      { retCode },
    );
  }
}

/** Exchange symbol → channel id, built once from the configured table. */
export type SymbolTable = ReadonlyMap<string, string>;

/**
 * Builds the lookup {@linkcode parseSpotTickers} maps symbols with. Names come
 * from the configuration, never from string surgery: multiplied names such
 * as `1000SATSUSDT` exist.
 */
export function symbolTable(symbols: readonly TrackedSymbol[]): SymbolTable {
  return new Map(symbols.map((s) => [s.upstream, s.id]));
}

/** An item that failed validation; `symbol` is the channel id when known. */
export interface RejectedItem {
  readonly symbol: string | null;
  readonly reason: string;
}

/** What one tickers response yields for the tracked symbols. */
export interface TickersParse {
  /** One tick per tracked symbol that was listed and valid. */
  readonly ticks: MarketTick[];
  /** Tracked (or unidentifiable) items that failed validation. */
  readonly rejected: RejectedItem[];
  /** Channel ids of tracked symbols the exchange did not list. */
  readonly missing: string[];
}

/**
 * Parses a decoded `/v5/market/tickers?category=<category>` body (default
 * `spot`); `symbols` are that category's. Throws an
 * {@linkcode UpstreamError}: `ret-code` (or `rate-limited` for 10006) for an
 * error envelope, `invalid-envelope` when the envelope itself is unusable or
 * answers another category. Everything item-level is reported in the result
 * instead.
 */
export function parseTickers(
  body: unknown,
  symbols: SymbolTable,
  category: MarketCategory = "spot",
): TickersParse {
  checkRetCode(body);
  const envelope = tickersEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    throw new UpstreamError(
      "invalid-envelope",
      `Invalid response envelope: ${describeIssue(envelope.error)}`,
    );
  }
  const answered = envelope.data.result.category;
  if (answered !== undefined && answered !== category) {
    throw new UpstreamError(
      "invalid-envelope",
      `Invalid response envelope: category is ${answered}, asked for ${category}`,
    );
  }
  const schema = tickerItemSchema(category);
  const upstreamTs = envelope.data.time;
  const ticks: MarketTick[] = [];
  const rejected: RejectedItem[] = [];
  const seen = new Set<string>();
  for (const raw of envelope.data.result.list) {
    const upstream = typeof raw === "object" && raw !== null
      ? (raw as { symbol?: unknown }).symbol
      : undefined;
    if (typeof upstream !== "string") {
      rejected.push({ symbol: null, reason: "item has no symbol" });
      continue;
    }
    const id = symbols.get(upstream);
    if (id === undefined) continue;
    if (seen.has(id)) {
      rejected.push({ symbol: id, reason: "symbol listed more than once" });
      continue;
    }
    seen.add(id);
    const item = schema.safeParse(raw);
    if (item.success) ticks.push(toMarketTick(item.data, id, upstreamTs));
    else rejected.push({ symbol: id, reason: describeIssue(item.error) });
  }
  const missing: string[] = [];
  if (seen.size < symbols.size) {
    for (const id of symbols.values()) if (!seen.has(id)) missing.push(id);
  }
  return { ticks, rejected, missing };
}

/**
 * Maps a validated item to a {@linkcode MarketTick}; a linear item's contract
 * fields come along. `price24hPcnt` is a fraction; the ×100 is rounded to 8
 * decimals so `"0.0068"` reads `0.68`, not `0.6799999999999999`.
 */
export function toMarketTick(
  item: SpotTickerItem | LinearTickerItem,
  id: string,
  upstreamTs: number,
): MarketTick {
  const tick: {
    -readonly [K in keyof MarketTick]: MarketTick[K];
  } = {
    symbol: id,
    price: item.lastPrice,
    high: item.highPrice24h,
    low: item.lowPrice24h,
    volume: item.turnover24h,
    change: Math.round(item.price24hPcnt * 1e10) / 1e8,
    upstreamTs,
  };
  if (item.volume24h !== undefined) tick.baseVolume = item.volume24h;
  if (item.bid1Price !== undefined) tick.bid = item.bid1Price;
  if (item.ask1Price !== undefined) tick.ask = item.ask1Price;
  const perp = item as Partial<LinearTickerItem>;
  if (perp.markPrice !== undefined) tick.markPrice = perp.markPrice;
  if (perp.indexPrice !== undefined) tick.indexPrice = perp.indexPrice;
  if (perp.openInterest !== undefined) tick.openInterest = perp.openInterest;
  if (perp.openInterestValue !== undefined) {
    tick.openInterestValue = perp.openInterestValue;
  }
  if (perp.fundingRate !== undefined) tick.fundingRate = perp.fundingRate;
  if (perp.nextFundingTime !== undefined) {
    tick.nextFundingTime = perp.nextFundingTime;
  }
  return tick;
}

/** The first issue of a zod error as `path: message`, bounded in length. */
export function describeIssue(error: z.ZodError): string {
  return operatorSafeText(firstProblem(error).toString());
}
