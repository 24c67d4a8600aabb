/**
 * The messages between the main thread and the ingestion worker, with zod
 * schemas applied on receipt on both sides: a worker is a trust boundary in
 * miniature (it can be replaced, restarted, or simply buggy), and a malformed
 * message must be reported, not acted on.
 *
 * main → worker: `start` (the ingestion part of the configuration — never the
 * whole service config, which holds the admin token), `set-threshold`,
 * `set-symbols` (a listing changed), `stop`.
 * worker → main: `batch` (one push cycle's ticks, trades and liquidations),
 * `state`, `log`, `stopped`.
 */
import { z } from "zod";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";
import type { LogLevel } from "../../config/config_schema.ts";
import type {
  IngestCallbacks,
  IngestConfig,
  LogFields,
  UpstreamState,
} from "../engines/engine_contract.ts";
import type { MarketTrade } from "../../market/market_trade.ts";
import type { MarketLiquidation } from "../../market/market_liquidation.ts";
import {
  MARKET_CATEGORIES,
  type TrackedSymbol,
} from "../../market/tracked_symbol.ts";
import { isCleanTick } from "./tick_check.ts";

const finite = z.number();
const nonNegative = z.number().nonnegative();
const epochMs = z.number().nonnegative().nullable();

/** Channel id or exchange symbol, as the configuration allows them. */
const symbolId = z.string().regex(/^[A-Za-z0-9-]{1,32}$/);

/** A whale threshold: positive and finite (zod numbers exclude ±Infinity). */
export const thresholdSchema = z.number().positive();

/** Most symbols one message may carry: past any listing the cap lets in. */
const MAX_SYMBOLS = 20_000;

const trackedSymbolSchema: z.ZodType<TrackedSymbol> = z.object({
  id: symbolId,
  upstream: symbolId,
  category: z.enum(MARKET_CATEGORIES),
});

const ingestConfigSchema: z.ZodType<IngestConfig> = z.object({
  upstream: z.object({
    mode: z.enum(["ws", "rest"]),
    tickersUrl: z.url({ protocol: /^https?$/ }),
    timeoutMs: z.number().positive(),
    pollIntervalMs: z.number().positive(),
    wsUrl: z.url({ protocol: /^wss?$/ }),
    wsFallbackAfterMs: z.number().positive(),
    wsSilenceTimeoutMs: z.number().positive(),
    wsMaxFrameBytes: z.number().int().positive(),
    wsLinearUrl: z.url({ protocol: /^wss?$/ }),
    wsDataSilenceMs: z.number().positive(),
    wsTopicSilenceMs: z.number().positive(),
  }),
  markets: z.array(z.enum(MARKET_CATEGORIES)).min(1),
  symbols: z.array(trackedSymbolSchema).max(MAX_SYMBOLS),
  thresholds: z.record(z.string(), thresholdSchema),
});

/** Messages the main thread sends to the worker. */
export type HostMessage =
  | { readonly type: "start"; readonly config: IngestConfig }
  | {
    readonly type: "set-threshold";
    readonly symbol: string;
    readonly value: number;
  }
  | {
    /** The listing changed: follow these symbols, with these whale lines. */
    readonly type: "set-symbols";
    readonly symbols: TrackedSymbol[];
    readonly thresholds: Record<string, number>;
  }
  | {
    /** The main thread took the batch in flight (see `batch_gate.ts`). */
    readonly type: "ack";
  }
  | { readonly type: "stop" };

const hostMessageSchema: z.ZodType<HostMessage> = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start"), config: ingestConfigSchema }),
  z.object({
    type: z.literal("set-threshold"),
    symbol: symbolId,
    value: thresholdSchema,
  }),
  z.object({
    type: z.literal("set-symbols"),
    symbols: z.array(trackedSymbolSchema).max(MAX_SYMBOLS),
    thresholds: z.record(z.string(), thresholdSchema),
  }),
  z.object({ type: z.literal("ack") }),
  z.object({ type: z.literal("stop") }),
]);

const analyzedTickSchema: z.ZodType<AnalyzedTick> = z.object({
  symbol: symbolId,
  price: nonNegative,
  high: nonNegative,
  low: nonNegative,
  volume: nonNegative,
  change: finite,
  spread: finite,
  is_whale: z.boolean(),
  whale_alert: z.boolean(),
  whale_threshold: nonNegative,
  tier: z.enum(["STABLE", "ACTIVE", "ELEVATED"]),
  range_position: finite,
  velocity: finite,
  upstream_ts: nonNegative,
  source: z.enum(["rest", "ws", "simulator"]),
  mark_price: nonNegative.optional(),
  index_price: nonNegative.optional(),
  open_interest: nonNegative.optional(),
  open_interest_value: nonNegative.optional(),
  funding_rate: finite.optional(),
  next_funding_time: nonNegative.optional(),
});

const marketTradeSchema: z.ZodType<MarketTrade> = z.object({
  symbol: symbolId,
  id: z.string().min(1).max(64),
  time: nonNegative,
  price: nonNegative,
  size: nonNegative,
  notional: nonNegative,
  side: z.enum(["Buy", "Sell"]),
  seq: z.number().int().nonnegative().optional(),
});

const marketLiquidationSchema: z.ZodType<MarketLiquidation> = z.object({
  symbol: symbolId,
  time: nonNegative,
  side: z.enum(["Buy", "Sell"]),
  price: z.number().positive(),
  size: z.number().positive(),
  notional: z.number().positive(),
});

const count = z.number().int().nonnegative();

const upstreamStateSchema: z.ZodType<UpstreamState> = z.object({
  source: z.enum(["rest", "ws", "simulator"]),
  mode: z.enum(["ws", "rest-fallback", "rest"]),
  simulated: z.boolean(),
  host: z.string().max(300),
  latencyMs: nonNegative.nullable(),
  lastSuccess: epochMs,
  lastAttempt: epochMs,
  consecutiveFailures: count,
  lastError: z.object({
    kind: z.enum([
      "timeout",
      "network",
      "http",
      "rate-limited",
      "ret-code",
      "malformed-json",
      "invalid-envelope",
      "ws-closed",
      "ws-silent",
      "ws-data-silent",
      "ws-refused",
      "internal",
    ]),
    message: z.string().max(1_000),
    at: nonNegative,
  }).nullable(),
  nextAttemptAt: epochMs,
  nextAttemptInMs: nonNegative.nullable(),
  unavailableSymbols: z.array(symbolId),
  ws: z.object({
    host: z.string().max(300),
    connected: z.boolean(),
    connectedSince: epochMs,
    lastMessageAt: epochMs,
    activeTopics: count,
    pendingTopics: count,
    refusedTopics: z.array(z.string().max(64)).max(1_000),
    connections: z.array(z.object({
      label: z.string().max(64),
      category: z.enum(MARKET_CATEGORIES),
      connected: z.boolean(),
      connectedSince: epochMs,
      lastMessageAt: epochMs,
      lastDataAt: epochMs,
      activeTopics: count,
      pendingTopics: count,
      refusedTopics: count,
      connects: count,
      dataSilenceReplacements: count,
      topicResubscribes: count,
      lastError: z.string().max(1_000).nullable(),
    })).max(1_000),
    fallbackSymbols: count,
  }).nullable(),
  counters: z.object({
    requests: count,
    errors: count,
    itemsRejected: count,
    ticks: count,
    trades: count,
    liquidations: count,
    liquidationsRejected: count,
    deltasWithoutSnapshot: count,
    wsMessages: count,
    wsBadMessages: count,
    wsConnects: count,
    wsSubscribeRequests: count,
    wsRefusals: count,
    fallbacks: count,
    wsDataSilenceReplacements: count,
    wsTopicResubscribes: count,
    ticksConflated: count,
  }),
});

const logFieldsSchema: z.ZodType<LogFields> = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);

/**
 * What one push cycle (or one poll) delivered: one message for all of it,
 * since each message across the worker boundary has a fixed cost.
 */
export interface DataBatch {
  readonly ticks: AnalyzedTick[];
  readonly trades: MarketTrade[];
  readonly liquidations: MarketLiquidation[];
}

/** Messages the worker sends to the main thread. */
export type WorkerMessage =
  | ({ readonly type: "batch" } & DataBatch)
  | { readonly type: "state"; readonly state: UpstreamState }
  | {
    readonly type: "log";
    readonly level: LogLevel;
    readonly message: string;
    readonly fields: LogFields;
  }
  | ({ readonly type: "heap" } & HeapFigures)
  | { readonly type: "stopped" };

/**
 * One isolate's V8 heap, bytes: the worker reports its own, since the main
 * thread's `Deno.memoryUsage()` sees only the main isolate's heap.
 */
export interface HeapFigures {
  readonly used: number;
  readonly total: number;
}

/** Most items of one kind a batch may carry. */
const MAX_BATCH_ITEMS = 100_000;

const tradesSchema = z.array(marketTradeSchema).max(MAX_BATCH_ITEMS);
const liquidationsSchema = z.array(marketLiquidationSchema).max(
  MAX_BATCH_ITEMS,
);

const workerMessageSchema: z.ZodType<WorkerMessage> = z.discriminatedUnion(
  "type",
  [
    z.object({
      type: z.literal("batch"),
      ticks: z.array(analyzedTickSchema).max(MAX_BATCH_ITEMS),
      trades: tradesSchema,
      liquidations: liquidationsSchema,
    }).refine(
      (b) => b.ticks.length + b.trades.length + b.liquidations.length > 0,
      { message: "a batch carries something" },
    ),
    z.object({ type: z.literal("state"), state: upstreamStateSchema }),
    z.object({
      type: z.literal("log"),
      level: z.enum(["debug", "info", "warn", "error"]),
      message: z.string().max(1_000),
      fields: logFieldsSchema,
    }),
    z.object({
      type: z.literal("heap"),
      used: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
    }),
    z.object({ type: z.literal("stopped") }),
  ],
);

/**
 * Hands a worker message to the service's callbacks. Both ingestion modes
 * deliver through here, so the service sees the same calls either way.
 */
export function deliverWorkerMessage(
  message: WorkerMessage,
  callbacks: IngestCallbacks,
): void {
  switch (message.type) {
    case "batch":
      if (message.ticks.length > 0) callbacks.onTicks(message.ticks);
      if (message.trades.length > 0) callbacks.onTrades(message.trades);
      if (message.liquidations.length > 0) {
        callbacks.onLiquidations(message.liquidations);
      }
      return;
    case "state":
      callbacks.onState(message.state);
      return;
    case "log":
      callbacks.onLog(message.level, message.message, message.fields);
      return;
    case "heap":
    case "stopped":
      return;
  }
}

/** Outcome of parsing a received message. */
export type Received<T> =
  | { readonly ok: true; readonly message: T }
  | { readonly ok: false; readonly reason: string };

/** Validates a message received by the worker. */
export function parseHostMessage(data: unknown): Received<HostMessage> {
  return received(hostMessageSchema.safeParse(data));
}

/**
 * Validates a message received by the main thread. A batch whose ticks all
 * pass the quick check (`tick_check.ts`) keeps them as they came, its trades
 * and liquidations checked by their schemas; anything else, and any batch
 * that fails there, is judged by the whole message schema.
 */
export function parseWorkerMessage(data: unknown): Received<WorkerMessage> {
  return cleanBatch(data) ?? received(workerMessageSchema.safeParse(data));
}

/** The quick path's batch, or undefined to leave `data` to the schema. */
function cleanBatch(data: unknown): Received<WorkerMessage> | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const { type, ticks, trades, liquidations } = data as Record<
    string,
    unknown
  >;
  if (type !== "batch" || !Array.isArray(ticks)) return undefined;
  if (ticks.length === 0 || ticks.length > MAX_BATCH_ITEMS) return undefined;
  for (let i = 0; i < ticks.length; i++) {
    if (!isCleanTick(ticks[i])) return undefined;
  }
  const tradesRead = tradesSchema.safeParse(trades);
  const liquidationsRead = liquidationsSchema.safeParse(liquidations);
  if (!tradesRead.success || !liquidationsRead.success) return undefined;
  return {
    ok: true,
    message: {
      type: "batch",
      ticks,
      trades: tradesRead.data,
      liquidations: liquidationsRead.data,
    },
  };
}

function received<T>(result: z.ZodSafeParseResult<T>): Received<T> {
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const path = issue?.path.join(".") ?? "";
  const reason = `${path || "message"}: ${issue?.message ?? "invalid"}`;
  return { ok: false, reason: reason.slice(0, 200) };
}
