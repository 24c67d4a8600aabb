import assert from "node:assert/strict";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";
import type { MarketTrade } from "../../market/market_trade.ts";
import type { MarketLiquidation } from "../../market/market_liquidation.ts";
import {
  type UpstreamState,
  ZERO_COUNTERS,
} from "../engines/engine_contract.ts";
import { BatchGate } from "./batch_gate.ts";
import type { WorkerMessage } from "./worker_messages.ts";

/** A gate whose posts are recorded and whose end-of-turn runs on demand. */
function harness() {
  const posted: WorkerMessage[] = [];
  const scheduled: (() => void)[] = [];
  const gate = new BatchGate(
    (message) => posted.push(message),
    (callback) => scheduled.push(callback),
  );
  /** Ends the turn: runs what the gate scheduled. */
  const endTurn = () => {
    for (const callback of scheduled.splice(0)) callback();
  };
  /** What was posted since the last call, in order. */
  const take = () => posted.splice(0);
  return { gate, endTurn, take, scheduled };
}

function tick(symbol: string, price: number): AnalyzedTick {
  return {
    symbol,
    price,
    high: price,
    low: price,
    volume: 1_000,
    change: 0,
    spread: 0,
    is_whale: false,
    whale_alert: false,
    whale_threshold: 1_000_000,
    tier: "STABLE",
    range_position: 50,
    velocity: 0,
    upstream_ts: 1_000,
    source: "simulator",
  };
}

function trade(symbol: string, id: string): MarketTrade {
  return {
    symbol,
    id,
    time: 1_000,
    price: 100,
    size: 1,
    notional: 100,
    side: "Buy",
  };
}

function liquidation(symbol: string, size: number): MarketLiquidation {
  return {
    symbol,
    time: 1_000,
    side: "Sell",
    price: 100,
    size,
    notional: 100 * size,
  };
}

function state(ticks: number): UpstreamState {
  return {
    source: "simulator",
    mode: "ws",
    simulated: true,
    host: "127.0.0.1:9010",
    latencyMs: null,
    lastSuccess: null,
    lastAttempt: null,
    consecutiveFailures: 0,
    lastError: null,
    nextAttemptAt: null,
    nextAttemptInMs: null,
    unavailableSymbols: [],
    ws: null,
    counters: { ...ZERO_COUNTERS, ticks },
  };
}

/** The batch a message is, or a failure naming what it was. */
function asBatch(message: WorkerMessage | undefined) {
  assert.equal(message?.type, "batch");
  return message as Extract<WorkerMessage, { type: "batch" }>;
}

function prices(message: WorkerMessage | undefined): string[] {
  return asBatch(message).ticks.map((t) => `${t.symbol}@${t.price}`);
}

Deno.test("BatchGate - one turn's reports leave as one batch at its end", () => {
  const { gate, endTurn, take } = harness();
  gate.ticks([tick("BTC-USDT", 1), tick("ETH-USDT", 2)]);
  gate.trades([trade("BTC-USDT", "a")]);
  gate.liquidations([liquidation("BTC-USDT-PERP", 3)]);
  assert.deepEqual(take(), [], "nothing before the turn ends");
  endTurn();
  const [batch, ...rest] = take();
  assert.deepEqual(rest, []);
  assert.deepEqual(prices(batch), ["BTC-USDT@1", "ETH-USDT@2"]);
  assert.equal(asBatch(batch).trades.length, 1);
  assert.equal(asBatch(batch).liquidations.length, 1);
  assert.equal(gate.inFlight, true);
});

Deno.test("BatchGate - the next batch waits for the ack", () => {
  const { gate, endTurn, take, scheduled } = harness();
  gate.ticks([tick("BTC-USDT", 1)]);
  endTurn();
  take();
  gate.ticks([tick("BTC-USDT", 2)]);
  assert.equal(scheduled.length, 0, "nothing scheduled while in flight");
  endTurn();
  assert.deepEqual(take(), [], "held until acked");
  gate.ack();
  const [batch, ...rest] = take();
  assert.deepEqual(prices(batch), ["BTC-USDT@2"]);
  assert.deepEqual(rest, []);
  gate.ack();
  assert.equal(gate.inFlight, false);
  assert.deepEqual(take(), [], "an ack with nothing gathered sends nothing");
});

Deno.test("BatchGate - while in flight a symbol's newer tick replaces its older one", () => {
  const { gate, endTurn, take } = harness();
  gate.ticks([tick("BTC-USDT", 1)]);
  endTurn();
  take();
  gate.ticks([tick("BTC-USDT", 2), tick("ETH-USDT", 10)]);
  gate.ticks([tick("BTC-USDT", 3)]);
  gate.ticks([tick("SOL-USDT", 20), tick("BTC-USDT", 4), tick("ETH-USDT", 11)]);
  gate.ack();
  assert.deepEqual(
    prices(take()[0]),
    ["BTC-USDT@4", "ETH-USDT@11", "SOL-USDT@20"],
    "first-seen order, newest price",
  );
  assert.equal(gate.conflated, 3);
});

Deno.test("BatchGate - two ticks of a symbol in one turn with nothing in flight are both sent", () => {
  const { gate, endTurn, take } = harness();
  gate.ticks([tick("BTC-USDT", 1), tick("BTC-USDT", 2)]);
  endTurn();
  assert.deepEqual(prices(take()[0]), ["BTC-USDT@1", "BTC-USDT@2"]);
  assert.equal(gate.conflated, 0);
});

Deno.test("BatchGate - trades and liquidations are all kept while in flight", () => {
  const { gate, endTurn, take } = harness();
  gate.trades([trade("BTC-USDT", "a")]);
  endTurn();
  take();
  gate.trades([trade("BTC-USDT", "b"), trade("BTC-USDT", "c")]);
  gate.liquidations([liquidation("BTC-USDT-PERP", 1)]);
  gate.trades([trade("BTC-USDT", "d")]);
  gate.liquidations([liquidation("BTC-USDT-PERP", 2)]);
  gate.ack();
  const batch = asBatch(take()[0]);
  assert.deepEqual(batch.trades.map((t) => t.id), ["b", "c", "d"]);
  assert.deepEqual(batch.liquidations.map((l) => l.size), [1, 2]);
  assert.equal(gate.conflated, 0);
});

Deno.test("BatchGate - a state report leaves after the data gathered before it", () => {
  const { gate, take } = harness();
  gate.ticks([tick("BTC-USDT", 1)]);
  gate.state(state(1));
  const [batch, report, ...rest] = take();
  assert.deepEqual(prices(batch), ["BTC-USDT@1"]);
  assert.equal(report.type, "state");
  assert.deepEqual(rest, []);
});

Deno.test("BatchGate - while in flight only the newest state is held, and leaves after the next batch", () => {
  const { gate, endTurn, take } = harness();
  gate.ticks([tick("BTC-USDT", 1)]);
  endTurn();
  take();
  gate.ticks([tick("BTC-USDT", 2)]);
  gate.state(state(2));
  gate.ticks([tick("BTC-USDT", 3), tick("ETH-USDT", 4)]);
  gate.state(state(4));
  gate.ticks([tick("SOL-USDT", 5)]);
  assert.deepEqual(take(), [], "held");
  gate.ack();
  const [batch, report, ...rest] = take();
  assert.deepEqual(rest, [], "one state, the newest");
  assert.deepEqual(prices(batch), ["BTC-USDT@3", "ETH-USDT@4", "SOL-USDT@5"]);
  assert.equal(report.type, "state");
  const counters = (report as Extract<WorkerMessage, { type: "state" }>).state
    .counters;
  // 5 ticks taken in (1 sent before, 3 now, 1 conflated): the held state
  // counted 4 and one came after it.
  assert.equal(counters.ticks, 5);
  assert.equal(counters.ticksConflated, 1);
  assert.equal(counters.ticks, 1 + 3 + counters.ticksConflated);
});

Deno.test("BatchGate - logs leave at once, even while a batch is in flight", () => {
  const { gate, endTurn, take } = harness();
  gate.ticks([tick("BTC-USDT", 1)]);
  endTurn();
  take();
  gate.other({ type: "log", level: "info", message: "hello", fields: {} });
  assert.deepEqual(take().map((m) => m.type), ["log"]);
});

Deno.test("BatchGate - drain sends what is gathered and the held state without an ack", () => {
  const { gate, endTurn, take } = harness();
  gate.ticks([tick("BTC-USDT", 1)]);
  endTurn();
  take();
  gate.trades([trade("BTC-USDT", "z")]);
  gate.state(state(1));
  gate.drain();
  assert.deepEqual(take().map((m) => m.type), ["batch", "state"]);
  assert.equal(gate.inFlight, false);
  gate.other({ type: "stopped" });
  assert.deepEqual(take().map((m) => m.type), ["stopped"]);
});
