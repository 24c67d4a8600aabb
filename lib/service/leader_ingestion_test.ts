import assert from "node:assert/strict";
import type { IngestionHandle } from "../ingestion/hosting/ingestion_handle.ts";
import { LeaderIngestion } from "./leader_ingestion.ts";

function fakes() {
  const started: Map<string, number>[] = [];
  const running = new Set<number>();
  const thresholds: [string, number][] = [];
  const symbolSets: string[][] = [];
  let next = 0;
  const slot = new LeaderIngestion({
    mode: "worker",
    start: (lines) => {
      const id = next++;
      started.push(new Map(lines));
      running.add(id);
      return {
        setThreshold: (s, v) => thresholds.push([s, v]),
        setSymbols: (symbols) => symbolSets.push(symbols.map((s) => s.id)),
        status: () => ({
          mode: "worker",
          running: true,
          restarts: 1,
          lastRestartReason: null,
          workerHeap: null,
        }),
        stop: async () => {
          await Promise.resolve();
          running.delete(id);
        },
      } satisfies IngestionHandle;
    },
  });
  return { slot, started, running, thresholds, symbolSets };
}

Deno.test("LeaderIngestion - runs only between lead and follow", async () => {
  const { slot, running } = fakes();
  assert.equal(slot.status().running, false);
  await slot.lead();
  assert.equal(running.size, 1);
  assert.equal(slot.status().running, true);
  await slot.follow();
  assert.equal(running.size, 0);
  assert.deepEqual(slot.status(), {
    mode: "worker",
    running: false,
    restarts: 1,
    lastRestartReason: null,
    workerHeap: null,
  });
});

Deno.test("LeaderIngestion - a flapping lease never leaves two loops running", async () => {
  const { slot, running, started } = fakes();
  const steps = [
    slot.lead(),
    slot.follow(),
    slot.lead(),
    slot.lead(),
    slot.follow(),
    slot.lead(),
  ];
  await Promise.all(steps);
  assert.equal(running.size, 1);
  assert.ok(started.length <= 3);
  await slot.stop();
  assert.equal(running.size, 0);
});

Deno.test("LeaderIngestion - whale lines changed while following reach the next loop", async () => {
  const { slot, started, thresholds } = fakes();
  slot.setThreshold("BTC-USDT", 7);
  await slot.lead();
  assert.deepEqual([...started[0]], [["BTC-USDT", 7]]);
  slot.setThreshold("ETH-USDT", 9);
  assert.deepEqual(thresholds, [["ETH-USDT", 9]]);
  await slot.stop();
});

Deno.test("LeaderIngestion - a listing change reaches the running loop only", async () => {
  const { slot, symbolSets } = fakes();
  const btc = {
    id: "BTC-USDT",
    upstream: "BTCUSDT",
    category: "spot",
  } as const;
  slot.setSymbols([btc], { "BTC-USDT": 1 });
  assert.deepEqual(
    symbolSets,
    [],
    "nothing runs: the next loop starts current",
  );
  await slot.lead();
  slot.setSymbols([btc], { "BTC-USDT": 1 });
  assert.deepEqual(symbolSets, [["BTC-USDT"]]);
  await slot.stop();
});
