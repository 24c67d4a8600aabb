import assert from "node:assert/strict";
import {
  CONFORMANCE_HISTORY,
  runEngineConformance,
} from "./engine_conformance.ts";
import { MemoryEngine, MemoryEngineStore } from "./memory_engine.ts";
import type { StreamEngine } from "./stream_engine.ts";

runEngineConformance({
  name: "MemoryEngine",
  harness: () => {
    const store = new MemoryEngineStore({ historySize: CONFORMANCE_HISTORY });
    const opened: StreamEngine[] = [];
    return Promise.resolve({
      open: (instance?: string) => {
        const engine = new MemoryEngine({ store, instance });
        opened.push(engine);
        return Promise.resolve(engine);
      },
      loseData: () => Promise.resolve(store.loseData()),
      close: async () => {
        for (const engine of opened) await engine.close();
      },
    });
  },
});

Deno.test("MemoryEngine - publishNow delivers before it returns", () => {
  const engine = new MemoryEngine({ historySize: 3 });
  const seen: number[] = [];
  engine.subscribe((e) => e.type === "entry" && seen.push(e.entry.seq));
  const result = engine.publishNow([{ channel: "A", data: "{}" }]);
  assert.ok(result.ok);
  assert.deepEqual(seen, [1]);
});
