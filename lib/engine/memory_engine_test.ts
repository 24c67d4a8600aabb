import assert from "node:assert/strict";
import { runEngineConformance } from "./engine_conformance.ts";
import { MemoryEngine, MemoryEngineStore } from "./memory_engine.ts";
import type { StreamEngine } from "./stream_engine.ts";

runEngineConformance({
  name: "MemoryEngine",
  harness: () => {
    const stores = new Map<number, MemoryEngineStore>();
    const opened: StreamEngine[] = [];
    const store = (historySize: number) => {
      let found = stores.get(historySize);
      if (!found) {
        found = new MemoryEngineStore({ historySize });
        stores.set(historySize, found);
      }
      return found;
    };
    return Promise.resolve({
      open: (instance: string | undefined, historySize: number) => {
        const engine = new MemoryEngine({
          store: store(historySize),
          instance,
        });
        opened.push(engine);
        return Promise.resolve(engine);
      },
      loseData: () => {
        for (const each of stores.values()) each.loseData();
        return Promise.resolve();
      },
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

Deno.test("MemoryEngineStore - restore continues an earlier run's epoch and seqs", async () => {
  const engine = new MemoryEngine({ historySize: 3 });
  engine.store.restore("saved", {
    A: [1, 2, 3, 4].map((seq) => ({ channel: "A", seq, data: "{}" })),
  });
  assert.equal(engine.epoch, "saved");
  const read = await engine.history("A", 0);
  assert.deepEqual(read.entries.map((e) => e.seq), [2, 3, 4]);
  const next = engine.publishNow([{ channel: "A", data: "{}" }]);
  assert.ok(next.ok);
  assert.equal(next.entries[0].seq, 5);
});

Deno.test("MemoryEngine - historyChars is shared by the stream channels; the engine's own channels keep theirs by count", async () => {
  const engine = new MemoryEngine({ historySize: 50, historyChars: 200 });
  const data = "x".repeat(10);
  for (let i = 0; i < 30; i++) {
    engine.publishNow([
      { channel: "A", data },
      { channel: "B", data },
      { channel: "#control", data },
    ]);
  }
  const seqs = async (channel: string) =>
    (await engine.history(channel, 0)).entries.map((e) => e.seq);
  assert.deepEqual(await seqs("A"), [21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
  assert.equal((await seqs("B")).length, 10, "100 characters each");
  assert.equal((await seqs("#control")).length, 30);
  engine.publishNow([{ channel: "C", data }]);
  assert.equal((await seqs("A")).length, 6, "66 characters each now");
});
