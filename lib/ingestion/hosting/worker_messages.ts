/**
 * The messages between the main thread and the ingestion worker, with zod
 * schemas applied on receipt on both sides: a worker is a trust boundary in
 * miniature (it can be replaced, restarted, or simply buggy), and a malformed
 * message must be reported, not acted on.
 *
 * main → worker: `start` (the ingestion part of the configuration — never the
 * whole service config, which holds the admin token), `set-threshold`, `stop`.
 * worker → main: `ticks`, `trades`, `state`, `log`, `stopped`.
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

const finite = z.number();
const nonNegative = z.number().nonnegative();
const epochMs = z.number().nonnegative().nullable();

/** Channel id or exchange symbol, as the configuration allows them. */
const symbolId = z.string().regex(/^[A-Za-z0-9-]{1,32}$/);

/** A whale threshold: positive and finite (zod numbers exclude ±Infinity). */
export const thresholdSchema = z.number().positive();

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
  }),
  symbols: z.array(z.object({ id: symbolId, upstream: symbolId })).min(1),
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
  | { readonly type: "stop" };

const hostMessageSchema: z.ZodType<HostMessage> = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start"), config: ingestConfigSchema }),
  z.object({
    type: z.literal("set-threshold"),
    symbol: symbolId,
    value: thresholdSchema,
  }),
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
  }).nullable(),
  counters: z.object({
    requests: count,
    errors: count,
    itemsRejected: count,
    ticks: count,
    trades: count,
    wsMessages: count,
    wsBadMessages: count,
    wsConnects: count,
    wsSubscribeRequests: count,
    wsRefusals: count,
    fallbacks: count,
  }),
});

const logFieldsSchema: z.ZodType<LogFields> = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);

/** Messages the worker sends to the main thread. */
export type WorkerMessage =
  | { readonly type: "ticks"; readonly ticks: AnalyzedTick[] }
  | { readonly type: "trades"; readonly trades: MarketTrade[] }
  | { readonly type: "state"; readonly state: UpstreamState }
  | {
    readonly type: "log";
    readonly level: LogLevel;
    readonly message: string;
    readonly fields: LogFields;
  }
  | { readonly type: "stopped" };

const workerMessageSchema: z.ZodType<WorkerMessage> = z.discriminatedUnion(
  "type",
  [
    z.object({
      type: z.literal("ticks"),
      ticks: z.array(analyzedTickSchema).min(1),
    }),
    z.object({
      type: z.literal("trades"),
      trades: z.array(marketTradeSchema).min(1).max(10_000),
    }),
    z.object({ type: z.literal("state"), state: upstreamStateSchema }),
    z.object({
      type: z.literal("log"),
      level: z.enum(["debug", "info", "warn", "error"]),
      message: z.string().max(1_000),
      fields: logFieldsSchema,
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
    case "ticks":
      callbacks.onTicks(message.ticks);
      return;
    case "trades":
      callbacks.onTrades(message.trades);
      return;
    case "state":
      callbacks.onState(message.state);
      return;
    case "log":
      callbacks.onLog(message.level, message.message, message.fields);
      return;
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

/** Validates a message received by the main thread. */
export function parseWorkerMessage(data: unknown): Received<WorkerMessage> {
  return received(workerMessageSchema.safeParse(data));
}

function received<T>(result: z.ZodSafeParseResult<T>): Received<T> {
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const path = issue?.path.join(".") ?? "";
  const reason = `${path || "message"}: ${issue?.message ?? "invalid"}`;
  return { ok: false, reason: reason.slice(0, 200) };
}
