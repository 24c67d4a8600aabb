import assert from "node:assert/strict";
import type { UpstreamState } from "../engines/engine_contract.ts";
import {
  startIngestion,
  type StartIngestionOptions,
} from "./ingestion_host.ts";
import {
  allTrackedBody,
  collectors,
  exampleUpstream,
  type Inbox,
  ingestConfig,
  jsonResponse,
  type LogEntry,
  ScriptedFetch,
  TRACKED,
  WITHIN_MS,
  withWorkerGlobal,
} from "../test_utils.ts";
import { FakeClock } from "../../clock/fake_clock.ts";

Deno.test({
  name: "startIngestion - inline and worker modes deliver identical messages",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const upstream = exampleUpstream();
    const inline = collectors();
    const worker = collectors();
    const hosts = [
      startIngestion({
        config: ingestConfig(upstream.url),
        mode: "inline",
        ...inline.callbacks,
      }),
      startIngestion({
        config: ingestConfig(upstream.url),
        mode: "worker",
        ...worker.callbacks,
      }),
    ];
    try {
      const [a, b] = await Promise.all([
        inline.states.next(undefined, WITHIN_MS),
        worker.states.next(undefined, WITHIN_MS),
      ]);
      const timeless = (s: UpstreamState) => ({
        ...s,
        latencyMs: 0,
        lastSuccess: 0,
        lastAttempt: 0,
        nextAttemptAt: 0,
        nextAttemptInMs: 0,
      });
      assert.deepEqual(timeless(a), timeless(b));
      assert.deepEqual(inline.ticks.items[0], worker.ticks.items[0]);
      const messages = (logs: Inbox<LogEntry>) =>
        logs.items.map((l) => [l.level, l.message, l.fields]);
      assert.deepEqual(messages(inline.logs), messages(worker.logs));
      assert.equal(hosts[0].status().mode, "inline");
      assert.equal(hosts[1].status().mode, "worker");
      // The worker's own heap, which the main thread cannot read, is posted
      // at start, so before its first state; inline there is only the main.
      assert.equal(hosts[0].status().workerHeap, null);
      const heap = hosts[1].status().workerHeap;
      assert.ok(heap && heap.used > 0 && heap.used <= heap.total, `${heap}`);
    } finally {
      await Promise.all(hosts.map((h) => h.stop()));
      await upstream.close();
    }
  },
});

function fakeUpstreamHost(
  overrides: Partial<StartIngestionOptions> = {},
) {
  const clock = new FakeClock();
  const fake = new ScriptedFetch([{
    respond: () => jsonResponse(allTrackedBody()),
  }]);
  const c = collectors();
  const start = () =>
    startIngestion({
      config: ingestConfig("https://api.example.test/v5/market/tickers"),
      mode: "inline",
      clock,
      fetch: fake.fetch,
      ...c.callbacks,
      ...overrides,
    });
  return { clock, fake, c, start };
}

const fallbacks: [string, unknown, RegExp][] = [
  ["Worker is undefined", undefined, /not defined/],
  [
    "Worker construction throws",
    class {
      constructor() {
        throw new Error("Workers are disabled here");
      }
    },
    /disabled/,
  ],
];

for (const [name, replacement, reason] of fallbacks) {
  Deno.test(`startIngestion - falls back to inline when ${name}`, async () => {
    await withWorkerGlobal(replacement, async () => {
      const h = fakeUpstreamHost({ mode: "worker" });
      const ticks = h.c.ticks.next();
      const host = h.start();
      assert.equal(host.status().mode, "inline");
      assert.equal((await ticks).length, TRACKED.length);
      const warning = h.c.logs.items.find((l) =>
        l.message === "Web Workers unavailable; ingesting inline"
      );
      assert.match(String(warning?.fields.reason), reason);
      await host.stop();
    });
  });
}

Deno.test("startIngestion - a bad option is an error, not a fallback", () => {
  const h = fakeUpstreamHost({ mode: "worker", watchdogMs: -1 });
  assert.throws(() => h.start(), /watchdogMs/);
});
