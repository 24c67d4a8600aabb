import assert from "node:assert/strict";
import {
  InlineIngestion,
  type InlineIngestionOptions,
} from "./inline_ingestion.ts";
import {
  allTrackedBody,
  collectors,
  FakeSockets,
  ingestConfig,
  jsonResponse,
  ScriptedFetch,
  tickerPush,
  tradePush,
} from "../test_utils.ts";
import { FakeClock } from "../../clock/fake_clock.ts";
import { DEFAULT_BATCH_MS } from "../engines/cycle_batcher.ts";
import {
  fakeRestHarness,
  type FakeUpstreamDeps,
  fakeWsHarness,
} from "../engines/conformance_harnesses.ts";
import { ingestEngineConformance } from "../engines/ingest_engine_conformance.ts";

const hosted = {
  host: (deps: FakeUpstreamDeps) =>
    new InlineIngestion({ ...deps, ...deps.callbacks }),
};
ingestEngineConformance(
  "InlineIngestion (rest)",
  (c) => fakeRestHarness(c, hosted),
);
ingestEngineConformance(
  "InlineIngestion (ws)",
  (c) => fakeWsHarness(c, hosted),
);

function inlineHost(
  overrides: Partial<InlineIngestionOptions> = {},
) {
  const clock = new FakeClock();
  const fake = new ScriptedFetch([{
    respond: () => jsonResponse(allTrackedBody()),
  }]);
  const c = collectors();
  const start = () =>
    new InlineIngestion({
      config: ingestConfig("https://api.example.test/v5/market/tickers"),
      clock,
      fetch: fake.fetch,
      ...c.callbacks,
      ...overrides,
    });
  return { clock, fake, c, start };
}

Deno.test({
  name: "InlineIngestion - runs the loop with the injected clock",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const h = inlineHost();
    const first = h.c.states.next();
    const host = h.start();
    await first;
    const second = h.c.states.next();
    h.clock.advance(50);
    await second;
    assert.equal(h.fake.urls.length, 2);
    await host.stop();
    assert.deepEqual(h.clock.pending(), []);
    assert.deepEqual(host.status(), {
      mode: "inline",
      running: false,
      restarts: 0,
      lastRestartReason: null,
      workerHeap: null,
    });
  },
});

Deno.test("InlineIngestion - setThreshold rejects unknown symbols and bad values", async () => {
  const h = inlineHost();
  const host = h.start();
  try {
    assert.throws(() => host.setThreshold("DOGE-USDT", 1), /symbol/);
    for (const bad of [0, -1, NaN, Infinity]) {
      assert.throws(() => host.setThreshold("BTC-USDT", bad), /value/);
    }
  } finally {
    await host.stop();
  }
});

Deno.test("InlineIngestion - WebSocket mode delivers ticks and trades through the same callbacks", async () => {
  const sockets = new FakeSockets();
  const base = ingestConfig("https://api.example.test/v5/market/tickers");
  const h = inlineHost({
    config: { ...base, upstream: { ...base.upstream, mode: "ws" } },
    connect: sockets.connect,
  });
  const host = h.start();
  sockets.last.open();
  sockets.last.receive(tickerPush("BTCUSDT"));
  sockets.last.receive(tradePush("BTCUSDT"));
  h.clock.advance(DEFAULT_BATCH_MS);
  assert.equal(h.c.ticks.items[0][0].source, "ws");
  assert.equal(h.c.trades.items[0][0].symbol, "BTC-USDT");
  assert.equal(h.fake.urls.length, 0);
  await host.stop();
  assert.deepEqual(h.clock.pending(), []);
});
