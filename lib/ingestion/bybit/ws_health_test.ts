import assert from "node:assert/strict";
import { BAD_FRAME_LOG_MS, WsHealth } from "./ws_health.ts";

Deno.test("WsHealth - records attempts, data, failures and recovery", () => {
  const health = new WsHealth();
  health.attempting(1_000);
  health.connected(1_100);
  health.subscribeSent();
  health.received(1_200);
  assert.equal(health.gotData(true), false, "nothing to recover from");
  health.gotTicker();
  const error = health.failed("ws-closed", "closed\u0000", 2_000, 2_500);
  assert.deepEqual(error, { kind: "ws-closed", message: "closed", at: 2_000 });
  assert.deepEqual(health.snapshot(), {
    lastMessageAt: 1_200,
    lastTickAt: 1_200,
    lastAttempt: 1_000,
    nextAttemptAt: 2_500,
    consecutiveFailures: 1,
    latencyMs: null,
    simulated: true,
    lastError: error,
    counters: {
      connects: 1,
      drops: 1,
      messages: 1,
      badMessages: 0,
      itemsRejected: 0,
      trades: 0,
      liquidations: 0,
      liquidationsRejected: 0,
      subscribeRequests: 1,
      refusals: 0,
      dataSilenceReplacements: 0,
      topicResubscribes: 0,
    },
  });
  health.attempting(2_500);
  assert.equal(health.snapshot().nextAttemptAt, null);
  assert.equal(health.gotData(false), true, "data ends the failure run");
  assert.equal(health.consecutiveFailures, 0);
  assert.equal(health.snapshot().lastError, error, "kept for operators");
});

Deno.test("WsHealth - pongs, refusals, trades and bad frames", () => {
  const health = new WsHealth();
  health.gotPong(12);
  health.gotPong(null);
  health.refused(2, "Subscription refused: nope", 5_000);
  health.gotTrades(3, 1);
  health.gotBadFrame();
  const state = health.snapshot();
  assert.equal(state.latencyMs, 12);
  assert.deepEqual(state.lastError, {
    kind: "ws-refused",
    message: "Subscription refused: nope",
    at: 5_000,
  });
  assert.equal(state.counters.refusals, 2);
  assert.equal(state.counters.trades, 3);
  assert.equal(state.counters.itemsRejected, 1);
  assert.equal(state.counters.badMessages, 1);
});

Deno.test("WsHealth - a bad-frame reason is logged when new, at most once a second", () => {
  const health = new WsHealth();
  assert.equal(health.shouldLogBad("a", 0), true);
  assert.equal(health.shouldLogBad("a", 5_000), false, "same reason");
  assert.equal(health.shouldLogBad("b", BAD_FRAME_LOG_MS - 1), false);
  assert.equal(health.shouldLogBad("b", BAD_FRAME_LOG_MS), true);
});
