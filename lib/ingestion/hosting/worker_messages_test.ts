import assert from "node:assert/strict";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";
import {
  type UpstreamState,
  ZERO_COUNTERS,
} from "../engines/engine_contract.ts";
import type { MarketTrade } from "../../market/market_trade.ts";
import type { MarketLiquidation } from "../../market/market_liquidation.ts";
import {
  type HostMessage,
  parseHostMessage,
  parseWorkerMessage,
  type WorkerMessage,
} from "./worker_messages.ts";
import { TRACKED } from "../test_utils.ts";

const START = {
  type: "start",
  config: {
    upstream: {
      mode: "ws",
      tickersUrl: "https://api.bybit.com/v5/market/tickers",
      timeoutMs: 10_000,
      pollIntervalMs: 1_000,
      wsUrl: "wss://stream.bybit.com/v5/public/spot",
      wsFallbackAfterMs: 5_000,
      wsSilenceTimeoutMs: 30_000,
      wsMaxFrameBytes: 1 << 20,
      wsLinearUrl: "wss://stream.bybit.com/v5/public/linear",
      wsDataSilenceMs: 30_000,
      wsTopicSilenceMs: 300_000,
    },
    markets: ["spot", "linear"],
    symbols: [
      ...TRACKED,
      { id: "BTC-USDT-PERP", upstream: "BTCUSDT", category: "linear" },
    ],
    thresholds: { "BTC-USDT": 50_000_000 },
  },
} as const satisfies HostMessage;

const TRADE: MarketTrade = {
  symbol: "BTC-USDT",
  id: "20f43950-d8dd-5b31-9112-a178eb6023af",
  time: 1672304486865,
  price: 16578.5,
  size: 0.001,
  notional: 16.5785,
  side: "Buy",
  seq: 1783284617,
};

const TICK: AnalyzedTick = {
  symbol: "BTC-USDT",
  price: 20533.13,
  high: 21128.12,
  low: 20318.89,
  volume: 243765620.65899866,
  change: 0.68,
  spread: 3.98,
  is_whale: true,
  whale_alert: false,
  whale_threshold: 50_000_000,
  tier: "ACTIVE",
  range_position: 26.5,
  velocity: 0,
  upstream_ts: 1673859087947,
  source: "rest",
};

const PERP_TICK: AnalyzedTick = {
  ...TICK,
  symbol: "BTC-USDT-PERP",
  mark_price: 17217.33,
  index_price: 17227.36,
  open_interest: 68744.761,
  open_interest_value: 1183601235.91,
  funding_rate: -0.000212,
  next_funding_time: 1673280000000,
};

const LIQUIDATION: MarketLiquidation = {
  symbol: "BTC-USDT-PERP",
  time: 1739502302929,
  side: "Sell",
  price: 60_000,
  size: 2,
  notional: 120_000,
};

/** A batch message with only the given lists filled. */
function batchOf(lists: Record<string, unknown[]>) {
  return { type: "batch", ticks: [], trades: [], liquidations: [], ...lists };
}

const STATE: UpstreamState = {
  source: "simulator",
  mode: "rest-fallback",
  simulated: true,
  host: "127.0.0.1:9999",
  latencyMs: 3,
  lastSuccess: 1_700_000_000_000,
  lastAttempt: 1_700_000_000_000,
  consecutiveFailures: 0,
  lastError: { kind: "timeout", message: "No response", at: 1_699_999_999_000 },
  nextAttemptAt: 1_700_000_001_000,
  nextAttemptInMs: 1_000,
  unavailableSymbols: ["1000SATS-USDT"],
  ws: {
    host: "127.0.0.1:9999",
    connected: false,
    connectedSince: null,
    lastMessageAt: 1_699_999_990_000,
    activeTopics: 0,
    pendingTopics: 8,
    refusedTopics: [],
    connections: [{
      label: "spot#1",
      category: "spot",
      connected: false,
      connectedSince: null,
      lastMessageAt: 1_699_999_990_000,
      lastDataAt: null,
      activeTopics: 0,
      pendingTopics: 8,
      refusedTopics: 0,
      connects: 1,
      dataSilenceReplacements: 1,
      topicResubscribes: 0,
      lastError: "ws-data-silent: No data on any of 8 topics",
    }],
    fallbackSymbols: 4,
  },
  counters: { ...ZERO_COUNTERS, requests: 2, errors: 1, ticks: 4, trades: 9 },
};

Deno.test("parseHostMessage - accepts every message the host sends", () => {
  const messages: HostMessage[] = [
    START,
    { type: "set-threshold", symbol: "BTC-USDT", value: 1_000_000 },
    {
      type: "set-symbols",
      symbols: [{
        id: "XRP-USDT-PERP",
        upstream: "XRPUSDT",
        category: "linear",
      }],
      thresholds: { "XRP-USDT-PERP": 5 },
    },
    { type: "ack" },
    { type: "stop" },
  ];
  for (const message of messages) {
    assert.deepEqual(parseHostMessage(structuredClone(message)), {
      ok: true,
      message,
    });
  }
});

Deno.test("parseHostMessage - rejects bad thresholds and unknown types", () => {
  const bad: [unknown, RegExp][] = [
    [{ type: "set-threshold", symbol: "BTC-USDT", value: NaN }, /value/],
    [{ type: "set-threshold", symbol: "BTC-USDT", value: Infinity }, /value/],
    [{ type: "set-threshold", symbol: "BTC-USDT", value: -1 }, /value/],
    [{ type: "set-threshold", symbol: "../x", value: 1 }, /symbol/],
    [{ type: "crash" }, /type/],
    [null, /message/],
    [
      {
        ...START,
        config: {
          ...START.config,
          upstream: { ...START.config.upstream, tickersUrl: "file:///x" },
        },
      },
      /tickersUrl/,
    ],
    [
      {
        ...START,
        config: {
          ...START.config,
          upstream: {
            ...START.config.upstream,
            wsUrl: "https://stream.bybit.com",
          },
        },
      },
      /wsUrl/,
    ],
    [
      {
        ...START,
        config: {
          ...START.config,
          upstream: { ...START.config.upstream, mode: "kafka" },
        },
      },
      /mode/,
    ],
  ];
  for (const [data, reason] of bad) {
    const result = parseHostMessage(data);
    assert.equal(result.ok, false, JSON.stringify(data));
    if (!result.ok) assert.match(result.reason, reason);
  }
});

Deno.test("parseWorkerMessage - accepts every message the worker sends", () => {
  const messages: WorkerMessage[] = [
    { type: "batch", ticks: [TICK], trades: [], liquidations: [] },
    {
      type: "batch",
      ticks: [{ ...TICK, source: "ws" }, PERP_TICK],
      trades: [TRADE, { ...TRADE, seq: undefined }],
      liquidations: [LIQUIDATION],
    },
    { type: "state", state: STATE },
    { type: "state", state: { ...STATE, mode: "ws", source: "ws", ws: null } },
    {
      type: "log",
      level: "warn",
      message: "Upstream poll failed",
      fields: { kind: "http", status: 500, retCode: null, simulated: false },
    },
    { type: "stopped" },
  ];
  for (const message of messages) {
    assert.deepEqual(parseWorkerMessage(structuredClone(message)), {
      ok: true,
      message,
    });
  }
});

Deno.test("parseWorkerMessage - rejects malformed ticks, trades and state", () => {
  const bad: unknown[] = [
    { type: "batch", ticks: [], trades: [], liquidations: [] },
    { ...batchOf({ trades: [{ ...TRADE, side: "Hold" }] }) },
    { ...batchOf({ trades: [{ ...TRADE, notional: -1 }] }) },
    { ...batchOf({ liquidations: [{ ...LIQUIDATION, price: 0 }] }) },
    { ...batchOf({ ticks: [{ ...PERP_TICK, mark_price: -1 }] }) },
    { type: "state", state: { ...STATE, mode: "carrier-pigeon" } },
    {
      type: "state",
      state: { ...STATE, counters: { ...STATE.counters, wsMessages: -1 } },
    },
    { ...batchOf({ ticks: [{ ...TICK, price: NaN }] }) },
    { ...batchOf({ ticks: [{ ...TICK, tier: "WILD" }] }) },
    { type: "ticks", ticks: [TICK] },
    { type: "state", state: { ...STATE, counters: undefined } },
    { type: "state", state: { ...STATE, consecutiveFailures: -1 } },
    { type: "log", level: "shout", message: "x", fields: {} },
    { type: "log", level: "info", message: "x", fields: { nested: {} } },
    "stopped",
  ];
  for (const data of bad) {
    assert.equal(parseWorkerMessage(data).ok, false, JSON.stringify(data));
  }
});
