import assert from "node:assert/strict";
import {
  type UpstreamState,
  ZERO_COUNTERS,
} from "../ingestion/engines/engine_contract.ts";
import {
  diagnose,
  type DiagnosticsInput,
  ingestMetrics,
  STALL_AFTER_SECONDS,
  statusFrame,
} from "./diagnostics.ts";

const STARTED = 1_700_000_000_000;
const SYMBOLS = ["BTC-USDT", "ETH-USDT"];

function upstream(overrides: Partial<UpstreamState> = {}): UpstreamState {
  return {
    source: "rest",
    mode: "rest",
    simulated: false,
    host: "api.bybit.com",
    latencyMs: 120,
    lastSuccess: STARTED + 60_000,
    lastAttempt: STARTED + 60_000,
    consecutiveFailures: 0,
    lastError: null,
    nextAttemptAt: STARTED + 61_000,
    nextAttemptInMs: 1_000,
    unavailableSymbols: [],
    ws: null,
    counters: { ...ZERO_COUNTERS, requests: 60, ticks: 120 },
    ...overrides,
  };
}

function input(overrides: Partial<DiagnosticsInput> = {}): DiagnosticsInput {
  return {
    now: STARTED + 60_500,
    startedAt: STARTED,
    upstream: upstream(),
    symbols: SYMBOLS,
    lastTickAt: () => STARTED + 60_000,
    ingestion: {
      mode: "worker",
      running: true,
      restarts: 0,
      last_restart_reason: null,
    },
    upstreamHost: "api.bybit.com",
    ...overrides,
  };
}

Deno.test("diagnose - fresh data from every symbol is healthy", () => {
  const result = diagnose(input());
  assert.equal(result.status, "healthy");
  assert.equal(result.upstream.stalled, false);
  assert.equal(result.upstream.latency_ms, 120);
  assert.equal(result.upstream.seconds_since_last_tick, 0.5);
  assert.equal(result.upstream.next_attempt_in_ms, 500);
  assert.equal(result.upstream.last_error, null);
  assert.deepEqual(result.symbols[0], {
    symbol: "BTC-USDT",
    available: true,
    last_tick_ts: STARTED + 60_000,
    age_s: 0.5,
    stale: false,
  });
  assert.equal(result.server_time, STARTED + 60_500);
  assert.equal(statusFrame(result).upstream, "online");
  assert.equal(statusFrame(result).detail, undefined);
});

Deno.test("diagnose - warming up before the first success is degraded", () => {
  const result = diagnose(input({
    now: STARTED + 3_000,
    upstream: undefined,
    lastTickAt: () => undefined,
  }));
  assert.equal(result.status, "degraded");
  assert.equal(result.upstream.stalled, false);
  assert.equal(result.upstream.host, "api.bybit.com");
  assert.equal(result.upstream.last_success, null);
  assert.equal(result.upstream.seconds_since_last_tick, null);
  assert.equal(result.symbols[0].stale, true);
  assert.equal(result.symbols[0].age_s, null);
  const frame = statusFrame(result);
  assert.equal(frame.upstream, "connecting");
  assert.equal(frame.last_success, null);
});

Deno.test("diagnose - no success 10 s after start is unhealthy and offline", () => {
  const result = diagnose(input({
    now: STARTED + STALL_AFTER_SECONDS * 1_000,
    upstream: upstream({
      lastSuccess: null,
      consecutiveFailures: 4,
      lastError: { kind: "timeout", message: "No answer in 10 s", at: STARTED },
    }),
    lastTickAt: () => undefined,
  }));
  assert.equal(result.status, "unhealthy");
  assert.equal(result.upstream.stalled, true);
  const frame = statusFrame(result);
  assert.equal(frame.upstream, "offline");
  assert.equal(frame.detail, "timeout: No answer in 10 s");
});

Deno.test("diagnose - stalled only after more than 10 s without success", () => {
  const lastSuccess = STARTED + 60_000;
  const at = (ms: number) =>
    diagnose(input({
      now: lastSuccess + ms,
      upstream: upstream({ lastSuccess }),
      lastTickAt: () => lastSuccess,
    }));
  assert.equal(at(10_000).upstream.stalled, false);
  assert.equal(at(10_000).status, "healthy");
  const stalled = at(10_001);
  assert.equal(stalled.upstream.stalled, true);
  assert.equal(stalled.status, "unhealthy");
  assert.equal(stalled.symbols.every((s) => s.stale), true);
  assert.equal(statusFrame(stalled).upstream, "offline");
});

Deno.test("diagnose - recent failures after a success are degraded", () => {
  const result = diagnose(input({
    upstream: upstream({
      consecutiveFailures: 2,
      lastError: { kind: "http", message: "HTTP 502", at: STARTED + 60_200 },
    }),
  }));
  assert.equal(result.status, "degraded");
  assert.equal(result.upstream.consecutive_failures, 2);
  assert.equal(result.upstream.last_error, "http: HTTP 502");
  const frame = statusFrame(result);
  assert.equal(frame.upstream, "degraded");
  assert.equal(frame.detail, "http: HTTP 502");
});

Deno.test("diagnose - a recovered error is kept but no longer degrades", () => {
  const result = diagnose(input({
    upstream: upstream({
      consecutiveFailures: 0,
      lastError: { kind: "http", message: "HTTP 502", at: STARTED },
    }),
  }));
  assert.equal(result.status, "healthy");
  assert.equal(result.upstream.last_error, "http: HTTP 502");
  assert.equal(statusFrame(result).upstream, "online");
});

Deno.test("diagnose - a symbol the exchange does not list is degraded", () => {
  const result = diagnose(input({
    upstream: upstream({ unavailableSymbols: ["ETH-USDT"] }),
    lastTickAt: (s) => s === "BTC-USDT" ? STARTED + 60_000 : undefined,
  }));
  assert.equal(result.status, "degraded");
  assert.deepEqual(result.symbols.map((s) => s.available), [true, false]);
});

Deno.test("diagnose - one stale symbol is degraded", () => {
  const result = diagnose(input({
    lastTickAt: (s) => s === "BTC-USDT" ? STARTED + 60_000 : STARTED + 40_000,
  }));
  assert.equal(result.status, "degraded");
  assert.deepEqual(result.symbols.map((s) => s.stale), [false, true]);
  assert.equal(result.symbols[1].age_s, 20.5);
});

Deno.test("diagnose - stopped ingestion is unhealthy", () => {
  const result = diagnose(input({
    ingestion: {
      mode: "worker",
      running: false,
      restarts: 3,
      last_restart_reason: "Worker crashed",
    },
  }));
  assert.equal(result.status, "unhealthy");
  assert.equal(result.ingestion.restarts, 3);
});

Deno.test("diagnose - the simulator is reported as such", () => {
  const result = diagnose(input({
    upstream: upstream({ source: "simulator", simulated: true }),
  }));
  assert.equal(result.simulated, true);
  assert.equal(result.source, "simulator");
  assert.equal(statusFrame(result).simulated, true);
});

Deno.test("diagnose - ages never go negative when clocks disagree", () => {
  const result = diagnose(input({ lastTickAt: () => STARTED + 99_000 }));
  assert.equal(result.symbols[0].age_s, 0);
});

Deno.test("diagnose - a past next attempt shows 0 ms, none shows null", () => {
  assert.equal(
    diagnose(input({ upstream: upstream({ nextAttemptAt: STARTED }) }))
      .upstream.next_attempt_in_ms,
    0,
  );
  assert.equal(
    diagnose(input({ upstream: upstream({ nextAttemptAt: null }) }))
      .upstream.next_attempt_in_ms,
    null,
  );
});

/** A WebSocket-mode state: streaming, with the given overrides. */
function streaming(overrides: Partial<UpstreamState> = {}): UpstreamState {
  return upstream({
    source: "ws",
    mode: "ws",
    host: "stream.bybit.com",
    ws: {
      host: "stream.bybit.com",
      connected: true,
      connectedSince: STARTED,
      lastMessageAt: STARTED + 60_400,
      activeTopics: 4,
      pendingTopics: 0,
      refusedTopics: [],
      connections: [{
        label: "spot#1",
        category: "spot",
        connected: true,
        connectedSince: STARTED,
        lastMessageAt: STARTED + 60_400,
        lastDataAt: STARTED + 60_000,
        activeTopics: 4,
        pendingTopics: 0,
        refusedTopics: 0,
        connects: 1,
        dataSilenceReplacements: 0,
        topicResubscribes: 2,
        lastError: null,
      }],
      fallbackSymbols: 0,
    },
    counters: {
      ...ZERO_COUNTERS,
      ticks: 1_200,
      trades: 900,
      wsMessages: 2_100,
      wsBadMessages: 3,
      wsConnects: 2,
      wsSubscribeRequests: 2,
      fallbacks: 1,
    },
    ...overrides,
  });
}

Deno.test("diagnose - a healthy stream shows mode ws and the connection", () => {
  const result = diagnose(input({ upstream: streaming() }));
  assert.equal(result.status, "healthy");
  assert.equal(result.mode, "ws");
  assert.equal(result.source, "ws");
  assert.deepEqual(result.ws, {
    host: "stream.bybit.com",
    connected: true,
    connected_since: STARTED,
    seconds_since_last_message: 0.1,
    active_topics: 4,
    pending_topics: 0,
    refused_topics: [],
    connects: 2,
    subscribe_requests: 2,
    messages: 2_100,
    bad_messages: 3,
    fallbacks: 1,
    fallback_symbols: 0,
    data_silence_replacements: 0,
    topic_resubscribes: 0,
    deltas_without_snapshot: 0,
    connections: [{
      label: "spot#1",
      market: "spot",
      connected: true,
      connected_since: STARTED,
      seconds_since_last_message: 0.1,
      seconds_since_last_data: 0.5,
      active_topics: 4,
      pending_topics: 0,
      refused_topics: 0,
      connects: 1,
      data_silence_replacements: 0,
      topic_resubscribes: 2,
      last_error: null,
    }],
  });
  const frame = statusFrame(result);
  assert.equal(frame.upstream, "online");
  assert.equal(frame.mode, "ws");
});

Deno.test("diagnose - REST standing in for the stream is degraded, with a status frame saying so", () => {
  const fallback = diagnose(input({
    upstream: streaming({
      mode: "rest-fallback",
      source: "rest",
      ws: { ...streaming().ws!, connected: false, connectedSince: null },
    }),
  }));
  assert.equal(fallback.status, "degraded");
  assert.equal(fallback.mode, "rest-fallback");
  const frame = statusFrame(fallback);
  assert.equal(frame.upstream, "degraded");
  assert.equal(frame.mode, "rest-fallback");
  assert.equal(frame.detail, "WebSocket down; polling REST");
  const back = statusFrame(diagnose(input({ upstream: streaming() })));
  assert.notDeepEqual(back, frame, "handing back changes the frame");
  const silent = statusFrame(diagnose(input({
    upstream: streaming({ mode: "rest-fallback", source: "rest" }),
  })));
  assert.equal(silent.detail, "WebSocket down; polling REST (stream silent)");
});

Deno.test("diagnose - before the first state the configured mode is shown", () => {
  const result = diagnose(input({
    now: STARTED + 1_000,
    upstream: undefined,
    configuredMode: "ws",
    upstreamHost: "stream.bybit.com",
  }));
  assert.equal(result.mode, "ws");
  assert.equal(result.source, "ws");
  assert.equal(result.ws, null);
  assert.equal(result.upstream.host, "stream.bybit.com");
  assert.equal(diagnose(input({ upstream: undefined })).mode, "rest");
});

Deno.test("ingestMetrics - counters and gauges of the current source", () => {
  assert.deepEqual(ingestMetrics(streaming({ mode: "rest-fallback" }), "ws"), {
    mode: "rest-fallback",
    rest_fallback_active: 1,
    ws_connected: 1,
    ws_connects_total: 2,
    ws_subscribe_requests_total: 2,
    ws_messages_total: 2_100,
    ws_bad_messages_total: 3,
    ws_refusals_total: 0,
    trades_total: 900,
    rest_fallbacks_total: 1,
    ws_connections: 1,
    ws_connections_open: 1,
    ws_data_silence_replacements_total: 0,
    ws_topic_resubscribes_total: 0,
    deltas_without_snapshot_total: 0,
    liquidations_total: 0,
    liquidations_rejected_total: 0,
    rest_fallback_symbols: 0,
    worker_ticks_conflated_total: 0,
  });
  const before = ingestMetrics(undefined, "ws");
  assert.equal(before.mode, "ws");
  assert.equal(before.ws_connected, 0);
  assert.equal(before.trades_total, 0);
});
