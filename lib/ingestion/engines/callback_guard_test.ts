import assert from "node:assert/strict";
import {
  consumeSafely,
  describeError,
  EngineReporter,
  logSafely,
} from "./callback_guard.ts";
import { type UpstreamState, ZERO_COUNTERS } from "./engine_contract.ts";

Deno.test("callback guard - a throwing consumer is logged and does not throw", () => {
  const logged: unknown[] = [];
  consumeSafely("Tick", () => {
    throw new Error("boom");
  }, (level, message, fields) => logged.push({ level, message, fields }));
  assert.deepEqual(logged, [{
    level: "error",
    message: "Tick consumer failed",
    fields: { message: "boom" },
  }]);
});

Deno.test("callback guard - a throwing logger is swallowed", () => {
  assert.doesNotThrow(() =>
    logSafely(
      () => {
        throw new Error("logger down");
      },
      "info",
      "hello",
      {},
    )
  );
  assert.doesNotThrow(() =>
    consumeSafely("State", () => {
      throw new Error("consumer down");
    }, () => {
      throw new Error("logger down");
    })
  );
});

Deno.test("callback guard - error descriptions are made safe for operators", () => {
  assert.equal(describeError("plain"), "plain");
  const described = describeError(new Error("bad\u0000\nline"));
  assert.equal(described.includes("\u0000"), false);
  assert.equal(described.includes("\n"), false);
});

Deno.test("EngineReporter - reports guarded, reads state when sending it, and sends nothing once muted", () => {
  const sent: string[] = [];
  let reads = 0;
  const report = new EngineReporter({
    onTicks: () => {
      sent.push("ticks");
      throw new Error("tick consumer down");
    },
    onState: (state) => sent.push(`state ${state.counters.ticks}`),
    onLog: (_level, message) => sent.push(message),
  }, () => {
    reads++;
    return { counters: { ...ZERO_COUNTERS, ticks: reads } } as UpstreamState;
  });
  report.ticks([]);
  report.trades([]);
  report.state();
  report.log("info", "hello", {});
  assert.deepEqual(sent, [
    "ticks",
    "Tick consumer failed",
    "state 1",
    "hello",
  ], "no onTrades: trades are dropped");
  report.mute();
  report.ticks([]);
  report.state();
  report.log("warn", "after", {});
  assert.equal(sent.length, 4);
  assert.equal(reads, 1, "a muted reporter does not even read the state");
});
