/**
 * zod schemas for Bybit's `GET /v5/market/instruments-info?category=…`, and
 * the rule of which listed instruments the service follows with
 * `SYMBOLS=all`: status `Trading`, quoted in USDT and, in the linear market,
 * perpetual (`LinearPerpetual`; dated futures and USDC contracts are left
 * out). Channel ids come from the listed coins (`BTC-USDT`,
 * `BTC-USDT-PERP`), never from cutting the symbol apart.
 *
 * Items are validated one by one, like tickers: a bad item costs only
 * itself. Linear listings are paged (`nextPageCursor`); spot answers one
 * page.
 */
import { z } from "zod";
import {
  channelIdOf,
  MARKET_CATEGORIES,
  type MarketCategory,
  type TrackedSymbol,
} from "../../market/tracked_symbol.ts";
import { checkRetCode, describeIssue } from "./bybit_schema.ts";
import { UpstreamError } from "./upstream_error.ts";

/** The instrument fields this service reads; others are not validated. */
export const instrumentItemSchema = z.object({
  symbol: z.string().regex(/^[A-Za-z0-9-]{1,40}$/),
  baseCoin: z.string().min(1).max(40),
  quoteCoin: z.string().min(1).max(16),
  status: z.string().max(32),
  contractType: z.string().max(32).optional(),
});

/** A validated instrument. */
export type InstrumentItem = z.infer<typeof instrumentItemSchema>;

/** A successful instruments envelope; items are validated one by one. */
export const instrumentsEnvelopeSchema = z.object({
  retCode: z.literal(0),
  result: z.object({
    category: z.enum(MARKET_CATEGORIES).optional(),
    list: z.array(z.unknown()),
    nextPageCursor: z.string().max(1_000).optional(),
  }),
});

/** What one page of the listing holds. */
export interface InstrumentsPage {
  /** Valid instruments, in listing order. */
  readonly instruments: InstrumentItem[];
  /** Items that failed validation. */
  readonly rejected: number;
  /** Cursor of the next page, or null on the last. */
  readonly nextCursor: string | null;
}

/**
 * Parses one decoded page. Throws an {@linkcode UpstreamError} for an error
 * envelope, an unusable envelope or a page of another category.
 */
export function parseInstrumentsPage(
  body: unknown,
  category: MarketCategory,
): InstrumentsPage {
  checkRetCode(body);
  const envelope = instrumentsEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    throw new UpstreamError(
      "invalid-envelope",
      `Invalid instruments envelope: ${describeIssue(envelope.error)}`,
    );
  }
  const { result } = envelope.data;
  if (result.category !== undefined && result.category !== category) {
    throw new UpstreamError(
      "invalid-envelope",
      `Invalid instruments envelope: category is ${result.category}, asked for ${category}`,
    );
  }
  const instruments: InstrumentItem[] = [];
  let rejected = 0;
  for (const raw of result.list) {
    const item = instrumentItemSchema.safeParse(raw);
    if (item.success) instruments.push(item.data);
    else rejected++;
  }
  const cursor = result.nextPageCursor ?? "";
  return { instruments, rejected, nextCursor: cursor === "" ? null : cursor };
}

/** Status of an instrument open for trading. */
export const TRADING_STATUS = "Trading";

/** The quote coin followed. */
export const FOLLOWED_QUOTE = "USDT";

/** Bybit's contract type of a USDT perpetual. */
export const LINEAR_PERPETUAL = "LinearPerpetual";

/**
 * The tracked symbol of `item` when the service follows it: trading, quoted
 * in USDT, a perpetual in the linear market, and coins that make a valid
 * channel id. Undefined otherwise.
 */
export function followedSymbol(
  item: InstrumentItem,
  category: MarketCategory,
): TrackedSymbol | undefined {
  if (item.status !== TRADING_STATUS || item.quoteCoin !== FOLLOWED_QUOTE) {
    return undefined;
  }
  if (category === "linear" && item.contractType !== LINEAR_PERPETUAL) {
    return undefined;
  }
  const id = channelIdOf(item.baseCoin, item.quoteCoin, category);
  if (id === undefined) return undefined;
  return { id, upstream: item.symbol.toUpperCase(), category };
}
