import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { loadConfig } from "../config/load_config.ts";
import { MemoryEngine } from "../engine/memory_engine.ts";
import { createLogger } from "../observability/logger.ts";
import { connectEngine, type EngineWaiting } from "./engine_connect.ts";

function config() {
  const result = loadConfig({
    STREAM_ENGINE: "redis",
    REDIS_URL: "redis://app:hunter2@127.0.0.1:1",
  });
  assert.ok(result.ok);
  return result.config;
}

Deno.test("connectEngine - retries with backoff until the store answers, logging without credentials", async () => {
  const clock = new FakeClock();
  const lines: string[] = [];
  const waits: EngineWaiting[] = [];
  let calls = 0;
  const engine = connectEngine({
    config: config(),
    logger: createLogger({ write: (line) => lines.push(line) }),
    clock,
    random: () => 1,
    historySize: 10,
    channels: [],
    instance: "i",
    onWaiting: (w) => waits.push(w),
    open: () => {
      calls++;
      return calls < 3
        ? Promise.reject(
          new Error("connect ECONNREFUSED redis://app:hunter2@x"),
        )
        : Promise.resolve(new MemoryEngine());
    },
  });
  for (let i = 0; i < 10 && calls < 3; i++) {
    await clock.settle();
    clock.advance(1_000);
  }
  assert.ok(await engine instanceof MemoryEngine);
  assert.deepEqual(waits.map((w) => w.attempts), [1, 2]);
  assert.equal(waits[1].nextAttemptAt - waits[0].nextAttemptAt > 0, true);
  assert.ok(lines.every((l) => !l.includes("hunter2")), lines.join("\n"));
  assert.ok(lines.some((l) => l.includes("Stream engine connected")));
});

Deno.test("connectEngine - a stop during start-up gives up", async () => {
  const controller = new AbortController();
  const clock = new FakeClock();
  const engine = connectEngine({
    config: config(),
    logger: createLogger({ write: () => {} }),
    clock,
    historySize: 10,
    channels: [],
    instance: "i",
    signal: controller.signal,
    open: () => Promise.reject(new Error("down")),
  });
  await clock.settle();
  controller.abort(new Error("stopping"));
  await assert.rejects(engine, /stopping/);
});
