import assert from "node:assert/strict";
import { normalizeReason, planSockets, socketUrl } from "./socket_plan.ts";

Deno.test("planSockets - single-symbol sockets are spread round-robin", () => {
  assert.deepEqual(planSockets(6, 4, 0), [[0], [1], [2], [3], [0], [1]]);
});

Deno.test("planSockets - a mux ratio spreads multiplexed sockets evenly", () => {
  const plan = planSockets(8, 2, 0.25);
  assert.equal(plan.filter((s) => s.length === 2).length, 2);
  assert.deepEqual(plan[3], [0, 1]);
  assert.deepEqual(plan[7], [0, 1]);
  assert.deepEqual(plan.filter((s) => s.length === 1), [
    [0],
    [1],
    [0],
    [1],
    [0],
    [1],
  ]);
});

Deno.test("socketUrl - routes for each target kind", () => {
  const base = "http://127.0.0.1:8000";
  assert.equal(
    socketUrl("sentinel", base, ["BTC-USDT"]),
    "ws://127.0.0.1:8000/ws/price/BTC-USDT?history=0",
  );
  assert.equal(
    socketUrl("sentinel", base, ["BTC-USDT", "ETH-USDT"]),
    "ws://127.0.0.1:8000/ws/stream?symbols=BTC-USDT,ETH-USDT&history=0",
  );
  assert.equal(
    socketUrl("ws", base, ["SOL-USDT"]),
    "ws://127.0.0.1:8000/ws/price/SOL-USDT",
  );
  assert.equal(
    socketUrl("socketio", base, ["SOL-USDT"]),
    "ws://127.0.0.1:8000/socket.io/?EIO=4&transport=websocket&symbol=SOL-USDT",
  );
});

Deno.test("normalizeReason - addresses are masked so reasons group", () => {
  assert.equal(
    normalizeReason("tcp connect error: 127.0.0.1:41234  refused\n"),
    "tcp connect error: <addr> refused",
  );
  assert.equal(normalizeReason("   "), "unknown error");
  assert.equal(normalizeReason("x".repeat(500)).length, 200);
});
