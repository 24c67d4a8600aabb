import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import type { EngineWaiting } from "./engine_connect.ts";
import { startupGate } from "./startup_gate.ts";

Deno.test("startupGate - health and diagnostics say why the instance is not ready", async () => {
  const clock = new FakeClock();
  const state: { waiting?: EngineWaiting } = {};
  const gate = startupGate({
    waiting: () => state.waiting,
    kind: "redis",
    instance: "n1",
    clock,
  });
  const first = gate(new Request("http://x/api/health"));
  assert.equal(first.status, 503);
  assert.equal((await first.json()).engine.attempts, 0);
  state.waiting = {
    kind: "redis",
    attempts: 3,
    lastError: "ECONNREFUSED",
    nextAttemptAt: clock.now() + 2_500,
  };
  const diagnostics = gate(new Request("http://x/api/diagnostics"));
  assert.equal(diagnostics.headers.get("retry-after"), "3");
  const body = await diagnostics.json();
  assert.equal(body.status, "starting");
  assert.deepEqual(body.engine, {
    kind: "redis",
    role: "follower",
    instance: "n1",
    connected: false,
    attempts: 3,
    last_error: "ECONNREFUSED",
    next_attempt_in_ms: 2_500,
  });
  const page = gate(new Request("http://x/ws/stream"));
  assert.equal(page.status, 503);
  assert.equal((await page.json()).error, "starting");
});
