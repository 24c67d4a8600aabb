/**
 * zod schemas for Bybit's public WebSocket (spot and linear streams), and the
 * parser that turns one received frame into a normalised tick, a linear
 * ticker update, trades, liquidations, an op response, or a reason to skip
 * it.
 *
 * Spot `tickers.*` pushes are snapshots only (no bid/ask) and are validated
 * here. Linear `tickers.*` pushes are a snapshot and then deltas carrying only
 * what changed, so they come back as an `update` for the caller to merge (see
 * `ticker_book.ts`) before the merged ticker is validated. `publicTrade.*`
 * and `allLiquidation.*` pushes carry arrays, each item validated on its own
 * so one bad item costs only itself. Frames for topics nobody follows are
 * recognised from their topic and skipped before any validation. The number
 * conventions (decimal strings, `""` for absent) are the REST side's, shared
 * from `bybit_schema.ts`.
 *
 * The project's simulator adds `"simulator": true` to every frame; it is read
 * here so simulated data is labelled as such from the first frame.
 */
import { z } from "zod";
import type {
  MarketCategory,
  TrackedSymbol,
} from "../../market/tracked_symbol.ts";
import {
  firstProblem,
  type RejectedItem,
  spotTickerStringsSchema,
  tickerFromStrings,
  toMarketTick,
} from "./bybit_schema.ts";
import type { MarketTick } from "../../market/market_tick.ts";
import type { MarketTrade } from "../../market/market_trade.ts";
import type { MarketLiquidation } from "../../market/market_liquidation.ts";
import { FieldProblem } from "./decimal_fields.ts";
import {
  liquidationFromItem,
  liquidationItemSchema,
  liquidationPushSchema,
} from "./liquidation_schema.ts";
import { publicTradeItemSchema, tradeFromItem } from "./trade_schema.ts";
import type { TickerFields, TickerPushType } from "./ticker_book.ts";
import { operatorSafeText } from "./upstream_error.ts";

/** The topic families this service subscribes. */
export type TopicKind = "tickers" | "publicTrade" | "allLiquidation";

/** What a topic carries and for which tracked symbol. */
export interface TopicRoute {
  /** Channel id, e.g. `BTC-USDT-PERP`. */
  readonly id: string;
  readonly kind: TopicKind;
  readonly category: MarketCategory;
}

/** Where a tracked symbol's data is published: topic → route. */
export type TopicTable = Pick<ReadonlyMap<string, TopicRoute>, "get">;

/**
 * Topics of one tracked symbol, in subscription order: its ticker and trades,
 * and for a perpetual its liquidations.
 */
export function symbolTopics(symbol: TrackedSymbol): string[] {
  const topics = [
    `tickers.${symbol.upstream}`,
    `publicTrade.${symbol.upstream}`,
  ];
  if (symbol.category === "linear") {
    topics.push(`allLiquidation.${symbol.upstream}`);
  }
  return topics;
}

/** The route of each of `symbol`'s topics. */
export function symbolRoutes(symbol: TrackedSymbol): [string, TopicRoute][] {
  return symbolTopics(symbol).map((topic) => [topic, {
    id: symbol.id,
    kind: topic.slice(0, topic.indexOf(".")) as TopicKind,
    category: symbol.category,
  }]);
}

/** Every topic to subscribe for `symbols`, mapped to its route. */
export function topicTable(
  symbols: readonly TrackedSymbol[],
): Map<string, TopicRoute> {
  return new Map(symbols.flatMap(symbolRoutes));
}

/** An op response: a subscribe/unsubscribe ack or a pong. */
export const opResponseSchema = z.object({
  op: z.string().max(32),
  success: z.boolean().optional(),
  ret_msg: z.string().max(21_000).optional(),
  conn_id: z.string().max(128).optional(),
  req_id: z.union([z.string().max(64), z.number()]).optional()
    .transform((id) => id === undefined ? undefined : String(id)),
});

const envelopeHead = {
  topic: z.string(),
  ts: z.number().int().nonnegative(),
};

/**
 * A linear `tickers.*` push: a snapshot or a delta of one ticker's fields.
 * `data` is only checked to be an object here: its fields are validated once
 * merged (`ticker_book.ts`), and a `z.record` walking every key of every
 * push cost more than the rest of the envelope.
 */
export const linearTickersPushSchema = z.object({
  ...envelopeHead,
  type: z.enum(["snapshot", "delta"]),
  cs: z.number().int().optional(),
  data: z.custom<Record<string, unknown>>(
    (data) => typeof data === "object" && data !== null && !Array.isArray(data),
    { error: "expected an object of ticker fields" },
  ),
});

/**
 * A spot `tickers.*` push: a snapshot whose data is one ticker, in its
 * string shape (the numbers are read after, see `decimal_fields.ts`).
 */
export const spotTickersPushSchema = z.object({
  ...envelopeHead,
  type: z.literal("snapshot", {
    error: "expected a snapshot (spot tickers have no deltas)",
  }),
  cs: z.number().int().optional(),
  data: spotTickerStringsSchema,
});

/** A `publicTrade.*` push; items stay `unknown` until validated one by one. */
export const publicTradePushSchema = z.object({
  ...envelopeHead,
  type: z.literal("snapshot"),
  data: z.array(z.unknown()).max(10_000),
});

/** What one received frame turned out to be. */
export type WsFrame =
  | {
    readonly kind: "ticker";
    readonly topic: string;
    readonly tick: MarketTick;
    readonly simulated: boolean;
  }
  | {
    /** A linear ticker push, still to be merged (see `ticker_book.ts`). */
    readonly kind: "ticker-update";
    readonly topic: string;
    /** Channel id. */
    readonly id: string;
    readonly type: TickerPushType;
    readonly data: TickerFields;
    /** Exchange time of the push, epoch ms. */
    readonly ts: number;
    readonly simulated: boolean;
  }
  | {
    readonly kind: "liquidations";
    readonly topic: string;
    /** Valid liquidations, oldest first (possibly empty). */
    readonly liquidations: MarketLiquidation[];
    readonly rejected: RejectedItem[];
    readonly simulated: boolean;
  }
  | {
    readonly kind: "trades";
    readonly topic: string;
    /** Valid trades, oldest first (possibly empty). */
    readonly trades: MarketTrade[];
    readonly rejected: RejectedItem[];
    readonly simulated: boolean;
  }
  | {
    readonly kind: "op";
    readonly op: string;
    readonly success: boolean;
    readonly retMsg: string;
    readonly reqId?: string;
    readonly simulated: boolean;
  }
  /** A push for a topic this service did not subscribe. */
  | { readonly kind: "untracked"; readonly topic: string }
  /** Not a message this service understands: counted and skipped. */
  | {
    readonly kind: "invalid";
    readonly reason: string;
    readonly symbol: string | null;
  };

/**
 * Longest frame parsed, in UTF-16 characters (bytes, for the ASCII JSON
 * Bybit sends; `BYBIT_WS_MAX_FRAME_BYTES`). A ticker is under 1 KB and a
 * burst of trades a few hundred; anything near this is not a market push.
 */
export const DEFAULT_MAX_FRAME_CHARS = 1 << 20;

/**
 * Parses one text frame. Never throws: anything unusable comes back as
 * `invalid` with an operator-safe reason. A frame longer than `maxChars` is
 * refused before `JSON.parse`, which would otherwise build a copy of it
 * several times its size. (The runtime has already buffered the frame whole
 * by then — up to its own 64 MiB cap — so this bounds the parse, not the
 * read.)
 */
export function parseWsFrame(
  text: string,
  topics: TopicTable,
  maxChars: number = DEFAULT_MAX_FRAME_CHARS,
): WsFrame {
  if (text.length > maxChars) {
    return invalid(
      `frame too large (${text.length} characters, limit ${maxChars})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return invalid(`frame is not JSON (${text.length} characters)`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return invalid("frame is not a JSON object");
  }
  const record = json as Record<string, unknown>;
  const simulated = record.simulator === true;
  if (typeof record.topic === "string") {
    return parsePush(record, record.topic, topics, simulated);
  }
  if (typeof record.op === "string") {
    const op = opResponseSchema.safeParse(record);
    if (!op.success) return invalid(describe(op.error));
    return {
      kind: "op",
      op: op.data.op,
      success: op.data.success ?? true,
      retMsg: op.data.ret_msg ?? "",
      reqId: op.data.req_id,
      simulated,
    };
  }
  return invalid("frame has neither topic nor op");
}

function parsePush(
  record: Record<string, unknown>,
  topic: string,
  topics: TopicTable,
  simulated: boolean,
): WsFrame {
  const route = topics.get(topic);
  if (route === undefined) return { kind: "untracked", topic };
  const id = route.id;
  const upstream = topic.slice(topic.indexOf(".") + 1);
  switch (route.kind) {
    case "tickers":
      return route.category === "spot"
        ? parseSpotTicker(record, topic, id, upstream, simulated)
        : parseLinearTicker(record, topic, id, upstream, simulated);
    case "publicTrade": {
      const read = readItems(record, TRADE_PUSH, topic, id, upstream);
      return "kind" in read ? read : {
        kind: "trades",
        topic,
        trades: read.items,
        rejected: read.rejected,
        simulated,
      };
    }
    case "allLiquidation": {
      const read = readItems(record, LIQUIDATION_PUSH, topic, id, upstream);
      return "kind" in read ? read : {
        kind: "liquidations",
        topic,
        liquidations: read.items,
        rejected: read.rejected,
        simulated,
      };
    }
  }
}

function parseSpotTicker(
  record: Record<string, unknown>,
  topic: string,
  id: string,
  upstream: string,
  simulated: boolean,
): WsFrame {
  const push = spotTickersPushSchema.safeParse(record);
  if (!push.success) return invalid(describe(push.error), id);
  const item = tickerFromStrings(push.data.data, "spot");
  if (item instanceof FieldProblem) return invalid(`data.${item}`, id);
  if (item.symbol !== upstream) {
    return invalid(`data.symbol does not match topic ${topic}`, id);
  }
  return {
    kind: "ticker",
    topic,
    tick: toMarketTick(item, id, push.data.ts),
    simulated,
  };
}

function parseLinearTicker(
  record: Record<string, unknown>,
  topic: string,
  id: string,
  upstream: string,
  simulated: boolean,
): WsFrame {
  const push = linearTickersPushSchema.safeParse(record);
  if (!push.success) return invalid(describe(push.error), id);
  const symbol = push.data.data.symbol;
  if (symbol !== undefined && symbol !== upstream) {
    return invalid(`data.symbol does not match topic ${topic}`, id);
  }
  return {
    kind: "ticker-update",
    topic,
    id,
    type: push.data.type,
    data: push.data.data,
    ts: push.data.ts,
    simulated,
  };
}

/**
 * A push whose `data` is a list of items: its schemas, how a shaped item
 * becomes what is handed on, and what an item is called.
 */
interface ItemPush<I, T> {
  readonly push: z.ZodType<{ data: unknown[] }, unknown>;
  /** The shape of one item (strings where numbers are sent as strings). */
  readonly item: z.ZodType<I, unknown>;
  /** Reads a shaped item's numbers for channel `id`, or says why not. */
  readonly read: (item: I, id: string) => T | FieldProblem;
  /** What an item is, for the reason a mismatched one is rejected. */
  readonly what: string;
}

const TRADE_PUSH: ItemPush<
  z.infer<typeof publicTradeItemSchema>,
  MarketTrade
> = {
  push: publicTradePushSchema,
  item: publicTradeItemSchema,
  read: tradeFromItem,
  what: "trade",
};

const LIQUIDATION_PUSH: ItemPush<
  z.infer<typeof liquidationItemSchema>,
  MarketLiquidation
> = {
  push: liquidationPushSchema,
  item: liquidationItemSchema,
  read: liquidationFromItem,
  what: "liquidation",
};

/**
 * Reads a push of items, each validated on its own so one bad item costs
 * only itself: the valid ones of `topic`'s symbol are mapped, the rest
 * rejected with the reason. A push whose envelope is bad is invalid whole.
 */
function readItems<I extends { s: string }, T>(
  record: Record<string, unknown>,
  schemas: ItemPush<I, T>,
  topic: string,
  id: string,
  upstream: string,
): { items: T[]; rejected: RejectedItem[] } | WsFrame {
  const push = schemas.push.safeParse(record);
  if (!push.success) return invalid(describe(push.error), id);
  const data = push.data.data;
  const items: T[] = [];
  const rejected: RejectedItem[] = [];
  for (let i = 0; i < data.length; i++) {
    const item = schemas.item.safeParse(data[i]);
    if (!item.success) {
      rejected.push({ symbol: id, reason: describe(item.error) });
      continue;
    }
    const read = schemas.read(item.data, id);
    if (read instanceof FieldProblem) {
      rejected.push({ symbol: id, reason: read.toString() });
    } else if (item.data.s !== upstream) {
      rejected.push({
        symbol: id,
        reason: `${schemas.what} symbol does not match ${topic}`,
      });
    } else items.push(read);
  }
  return { items, rejected };
}

function invalid(reason: string, symbol: string | null = null): WsFrame {
  return { kind: "invalid", reason: operatorSafeText(reason), symbol };
}

function describe(error: z.ZodError): string {
  return firstProblem(error).toString();
}
