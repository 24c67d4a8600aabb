/**
 * Grades the service's health from what ingestion last reported — never by
 * calling the exchange (the original did, on every request: an amplifier).
 * Pure, so each grade has a direct test.
 */
import type {
  DiagnosticsResponse,
  FeedMode,
  HealthStatus,
  IngestMetrics,
  ListingDiagnostics,
  SymbolFreshness,
  WsDiagnostics,
} from "../protocol/api_types.ts";
import type { StatusFrame } from "../protocol/frames.ts";
import type { UpstreamState } from "../ingestion/engines/engine_contract.ts";
import type { MarketListingState } from "../ingestion/listing/listing_watcher.ts";

/** Seconds without good data after which upstream counts as stalled. */
export const STALL_AFTER_SECONDS = 10;

/** Everything diagnostics are computed from. */
export interface DiagnosticsInput {
  readonly now: number;
  readonly startedAt: number;
  readonly upstream: UpstreamState | undefined;
  readonly symbols: readonly string[];
  /** Server time of each symbol's latest tick. */
  readonly lastTickAt: (symbol: string) => number | undefined;
  readonly ingestion: DiagnosticsResponse["ingestion"];
  /** Host polled, shown before the first state arrives. */
  readonly upstreamHost: string;
  /** `INGEST_MODE`, shown before the first state arrives. Default `rest`. */
  readonly configuredMode?: "ws" | "rest";
  /**
   * Another instance leads the stream and ingests: this one's ingestion not
   * running is expected, and `upstream` is the leader's last announced state.
   */
  readonly follower?: boolean;
  /** Whether the stream engine's shared store is reachable. Default true. */
  readonly engineConnected?: boolean;
  /** The instruments listing (`SYMBOLS=all`); null or absent otherwise. */
  readonly listing?: {
    readonly markets: readonly MarketListingState[];
    readonly delisted: readonly {
      readonly symbol: string;
      readonly at: number;
    }[];
  } | null;
}

const ageSeconds = (now: number, at: number | null | undefined) =>
  at === null || at === undefined ? null : Math.max(0, (now - at) / 1000);

/** The `/api/diagnostics` body for `input`. */
export function diagnose(input: DiagnosticsInput): DiagnosticsResponse {
  const { now, upstream } = input;
  const unavailable = new Set(upstream?.unavailableSymbols ?? []);
  const symbols: SymbolFreshness[] = input.symbols.map((symbol) => {
    const at = input.lastTickAt(symbol) ?? null;
    const age = ageSeconds(now, at);
    return {
      symbol,
      available: !unavailable.has(symbol),
      last_tick_ts: at,
      age_s: age,
      stale: age === null || age > STALL_AFTER_SECONDS,
    };
  });
  const lastSuccess = upstream?.lastSuccess ?? null;
  const sinceSuccess = ageSeconds(now, lastSuccess);
  const warmingUp = lastSuccess === null &&
    now - input.startedAt < STALL_AFTER_SECONDS * 1000;
  const stalled = !warmingUp &&
    (sinceSuccess === null || sinceSuccess > STALL_AFTER_SECONDS);
  const mode: FeedMode = upstream?.mode ?? input.configuredMode ?? "rest";
  let status: HealthStatus = "healthy";
  if (stalled || (!input.ingestion.running && !input.follower)) {
    status = "unhealthy";
  } else if (
    warmingUp || (upstream?.consecutiveFailures ?? 0) > 0 ||
    input.engineConnected === false ||
    mode === "rest-fallback" ||
    symbols.some((s) => !s.available || s.stale)
  ) status = "degraded";
  return {
    status,
    simulated: upstream?.simulated ?? false,
    source: upstream?.source ?? (mode === "ws" ? "ws" : "rest"),
    mode,
    upstream: {
      host: upstream?.host ?? input.upstreamHost,
      latency_ms: upstream?.latencyMs ?? null,
      last_success: lastSuccess,
      last_attempt: upstream?.lastAttempt ?? null,
      consecutive_failures: upstream?.consecutiveFailures ?? 0,
      last_error: upstream?.lastError
        ? `${upstream.lastError.kind}: ${upstream.lastError.message}`
        : null,
      stalled,
      seconds_since_last_tick: sinceSuccess,
      next_attempt_in_ms: upstream?.nextAttemptAt
        ? Math.max(0, upstream.nextAttemptAt - now)
        : null,
    },
    symbols,
    ws: wsDiagnostics(upstream, now),
    listing: listingDiagnostics(input.listing ?? null, now),
    ingestion: input.ingestion,
    server_time: now,
  };
}

function listingDiagnostics(
  listing: DiagnosticsInput["listing"],
  now: number,
): ListingDiagnostics | null {
  if (!listing) return null;
  return {
    markets: listing.markets.map((m) => ({
      market: m.category,
      status: m.status,
      symbols: m.symbols,
      loaded_at: m.loadedAt,
      last_error: m.lastError,
      consecutive_failures: m.consecutiveFailures,
      next_attempt_in_ms: m.nextAttemptAt === null
        ? null
        : Math.max(0, m.nextAttemptAt - now),
    })),
    delisted: listing.delisted.map((d) => ({ symbol: d.symbol, at: d.at })),
  };
}

function wsDiagnostics(
  upstream: UpstreamState | undefined,
  now: number,
): WsDiagnostics | null {
  const ws = upstream?.ws;
  if (!upstream || !ws) return null;
  const { counters } = upstream;
  return {
    host: ws.host,
    connected: ws.connected,
    connected_since: ws.connectedSince,
    seconds_since_last_message: ageSeconds(now, ws.lastMessageAt),
    active_topics: ws.activeTopics,
    pending_topics: ws.pendingTopics,
    refused_topics: ws.refusedTopics,
    connects: counters.wsConnects,
    subscribe_requests: counters.wsSubscribeRequests,
    messages: counters.wsMessages,
    bad_messages: counters.wsBadMessages,
    fallbacks: counters.fallbacks,
    fallback_symbols: ws.fallbackSymbols,
    data_silence_replacements: counters.wsDataSilenceReplacements,
    topic_resubscribes: counters.wsTopicResubscribes,
    deltas_without_snapshot: counters.deltasWithoutSnapshot,
    connections: ws.connections.map((c) => ({
      label: c.label,
      market: c.category,
      connected: c.connected,
      connected_since: c.connectedSince,
      seconds_since_last_message: ageSeconds(now, c.lastMessageAt),
      seconds_since_last_data: ageSeconds(now, c.lastDataAt),
      active_topics: c.activeTopics,
      pending_topics: c.pendingTopics,
      refused_topics: c.refusedTopics,
      connects: c.connects,
      data_silence_replacements: c.dataSilenceReplacements,
      topic_resubscribes: c.topicResubscribes,
      last_error: c.lastError,
    })),
  };
}

/** The ingestion part of `/api/metrics` for the last reported state. */
export function ingestMetrics(
  upstream: UpstreamState | undefined,
  configuredMode: "ws" | "rest",
): IngestMetrics {
  const counters = upstream?.counters;
  const mode = upstream?.mode ?? configuredMode;
  return {
    mode,
    rest_fallback_active: mode === "rest-fallback" ? 1 : 0,
    ws_connected: upstream?.ws?.connected ? 1 : 0,
    ws_connects_total: counters?.wsConnects ?? 0,
    ws_subscribe_requests_total: counters?.wsSubscribeRequests ?? 0,
    ws_messages_total: counters?.wsMessages ?? 0,
    ws_bad_messages_total: counters?.wsBadMessages ?? 0,
    ws_refusals_total: counters?.wsRefusals ?? 0,
    trades_total: counters?.trades ?? 0,
    rest_fallbacks_total: counters?.fallbacks ?? 0,
    ws_connections: upstream?.ws?.connections.length ?? 0,
    ws_connections_open:
      upstream?.ws?.connections.filter((c) => c.connected).length ?? 0,
    ws_data_silence_replacements_total: counters?.wsDataSilenceReplacements ??
      0,
    ws_topic_resubscribes_total: counters?.wsTopicResubscribes ?? 0,
    deltas_without_snapshot_total: counters?.deltasWithoutSnapshot ?? 0,
    liquidations_total: counters?.liquidations ?? 0,
    liquidations_rejected_total: counters?.liquidationsRejected ?? 0,
    rest_fallback_symbols: upstream?.ws?.fallbackSymbols ?? 0,
    worker_ticks_conflated_total: counters?.ticksConflated ?? 0,
  };
}

/**
 * The status frame clients get for `diagnostics`. REST standing in for the
 * WebSocket is `degraded` (slower ticks, no trades) with a detail saying so;
 * `mode` changes with every switch, so a switch always sends a new frame.
 */
export function statusFrame(diagnostics: DiagnosticsResponse): StatusFrame {
  const { upstream, mode } = diagnostics;
  let state: StatusFrame["upstream"];
  if (upstream.last_success === null && !upstream.stalled) state = "connecting";
  else if (upstream.stalled) state = "offline";
  else if (upstream.consecutive_failures > 0 || mode === "rest-fallback") {
    state = "degraded";
  } else state = "online";
  let detail = state === "online"
    ? undefined
    : upstream.last_error ?? undefined;
  if (mode === "rest-fallback" && state !== "offline") {
    const ws = diagnostics.ws;
    const some = ws !== null && ws.fallback_symbols > 0 &&
      ws.fallback_symbols < diagnostics.symbols.length;
    detail = `WebSocket down; polling REST${
      some
        ? ` for ${ws.fallback_symbols} of ${diagnostics.symbols.length} symbols`
        : ws?.connected === false
        ? ""
        : " (stream silent)"
    }`;
  }
  return {
    type: "status",
    upstream: state,
    simulated: diagnostics.simulated,
    last_success: upstream.last_success,
    detail,
    mode,
  };
}
