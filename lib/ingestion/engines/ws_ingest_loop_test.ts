import assert from "node:assert/strict";
import type { IngestConfig } from "./engine_contract.ts";
import {
  allTrackedBody,
  collectors,
  fakeHostConfig,
  FakeSockets,
  type FetchStep,
  jsonResponse,
  ScriptedFetch,
  tickerPush,
  TRACKED,
  tradePush,
} from "../test_utils.ts";
import { DEFAULT_BATCH_MS } from "./cycle_batcher.ts";
import { FakeClock } from "../../clock/fake_clock.ts";
import { fakeWsHarness } from "./conformance_harnesses.ts";
import { createIngestEngine } from "./ingest_engine.ts";
import { ingestEngineConformance } from "./ingest_engine_conformance.ts";
import { WsIngestLoop } from "./ws_ingest_loop.ts";

ingestEngineConformance("WsIngestLoop", (c) =>
  fakeWsHarness(c, {
    engine: (deps) => createIngestEngine({ ...deps, ...deps.callbacks }),
  }));

const CONFIG: IngestConfig = fakeHostConfig("ws");

const ok = (): FetchStep => ({ respond: () => jsonResponse(allTrackedBody()) });

function harness(steps: FetchStep[] = [ok()]) {
  const clock = new FakeClock();
  const sockets = new FakeSockets();
  const fake = new ScriptedFetch(steps);
  const c = collectors();
  const loop = new WsIngestLoop({
    config: CONFIG,
    fetch: fake.fetch,
    connect: sockets.connect,
    clock,
    random: () => 0.5,
    ...c.callbacks,
  });
  /** Starts the loop with its socket open and acked. */
  const started = () => {
    loop.start();
    sockets.last.open();
    sockets.last.ackAll();
    return sockets.last;
  };
  /** The REST fallback's next batch of ticks. */
  const restTicks = () => c.ticks.next((batch) => batch[0].source === "rest");
  /** Every tracked symbol's ticker on `socket`, then the cycle's report. */
  const everyTicker = (socket = sockets.last) => {
    for (const symbol of TRACKED) socket.receive(tickerPush(symbol.upstream));
    clock.advance(DEFAULT_BATCH_MS);
  };
  return {
    clock,
    sockets,
    fake,
    ...c,
    loop,
    started,
    restTicks,
    everyTicker,
  };
}

Deno.test({
  name: "WsIngestLoop - ticks and trades come from the stream; REST stays idle",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const h = harness();
    const socket = h.started();
    for (let i = 0; i < 10; i++) {
      h.clock.advance(1_000);
      h.everyTicker(socket);
    }
    socket.receive(tradePush("SOLUSDT", [{ i: "a" }, { i: "b" }]));
    h.clock.advance(DEFAULT_BATCH_MS);
    assert.equal(h.ticks.items.length, 10, "one report per push cycle");
    assert.equal(h.ticks.items[0].length, 4);
    const tick = h.ticks.items[0][0];
    assert.equal(tick.source, "ws");
    assert.equal(tick.symbol, "BTC-USDT");
    assert.equal(tick.price, 21109.77);
    assert.equal(tick.whale_threshold, 50_000_000);
    assert.deepEqual(h.trades.items[0].map((t) => t.id), ["a", "b"]);
    assert.equal(
      h.fake.urls.length,
      0,
      "no REST request while the stream is healthy",
    );
    const state = h.loop.state();
    assert.equal(state.mode, "ws");
    assert.equal(state.source, "ws");
    assert.equal(state.host, "stream.example.test");
    assert.equal(state.lastSuccess, h.clock.now() - 2 * DEFAULT_BATCH_MS);
    assert.equal(state.ws?.connected, true);
    assert.equal(state.ws?.activeTopics, 8);
    assert.equal(state.ws?.connections.length, 1);
    assert.equal(state.ws?.connections[0].label, "spot#1");
    assert.equal(state.counters.ticks, 40);
    assert.equal(state.counters.trades, 2);
    assert.equal(state.counters.wsConnects, 1);
    assert.equal(state.counters.fallbacks, 0);
    await h.loop.stop();
    assert.deepEqual(h.clock.pending(), []);
    assert.equal(socket.closedWith?.code, 1000);
  },
});

Deno.test("WsIngestLoop - simulated frames are labelled simulator", async () => {
  const h = harness();
  const socket = h.started();
  socket.receive({ ...tickerPush("ETHUSDT"), simulator: true });
  h.clock.advance(DEFAULT_BATCH_MS);
  assert.equal(h.ticks.items[0][0].source, "simulator");
  assert.equal(h.loop.state().source, "simulator");
  assert.equal(h.loop.state().simulated, true);
  await h.loop.stop();
});

Deno.test({
  name:
    "WsIngestLoop - REST takes over 5 s after the socket closes and hands back symbol by symbol",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const h = harness();
    const first = h.started();
    first.receive(tickerPush("BTCUSDT"));
    first.drop(1006);
    h.clock.advance(4_999);
    assert.equal(h.fake.urls.length, 0);
    assert.equal(h.loop.mode, "ws");
    const switched = h.states.next((s) => s.mode === "rest-fallback");
    const polled = h.restTicks();
    h.clock.advance(1);
    const state = await switched;
    assert.equal(state.source, "rest");
    assert.equal(state.host, "api.example.test");
    assert.equal(state.counters.fallbacks, 1);
    assert.equal(state.ws?.connected, false);
    const batch = await polled;
    assert.equal(batch.length, 4);
    assert.ok(
      h.logs.items.some((l) =>
        l.message === "WebSocket down; REST polling takes over"
      ),
    );
    const next = h.restTicks();
    h.clock.advance(1_000);
    await next;
    const polls = h.fake.urls.length;

    const second = h.sockets.last;
    assert.notEqual(second, first, "reconnected meanwhile");
    second.open();
    assert.equal(second.subscribes().flatMap((s) => s.args).length, 8);
    second.receive(tickerPush("BTCUSDT"));
    assert.equal(h.loop.mode, "rest-fallback", "three symbols still on REST");
    assert.equal(h.loop.state().ws?.fallbackSymbols, 3);
    const back = h.states.next((s) => s.mode === "ws");
    h.everyTicker(second);
    assert.equal((await back).source, "ws");
    assert.equal(h.ticks.items.at(-1)![0].source, "ws");
    for (let i = 0; i < 4; i++) {
      h.clock.advance(1_000);
      h.everyTicker(second);
    }
    assert.equal(h.fake.urls.length, polls, "polling stopped");
    assert.equal(h.loop.state().nextAttemptAt, null);
    await h.loop.stop();
    assert.deepEqual(h.clock.pending(), []);
  },
});

Deno.test("WsIngestLoop - a silent stall falls back after 5 s; after 30 s the socket is replaced and resubscribed", async () => {
  const h = harness();
  const stalled = h.started();
  h.everyTicker(stalled);
  const switched = h.states.next((s) => s.mode === "rest-fallback");
  h.clock.advance(5_000);
  const state = await switched;
  assert.equal(state.ws?.connected, true, "the socket is still open");
  assert.equal(h.sockets.made.length, 1);
  for (let t = 5_000; t < 30_000; t += 1_000) {
    const next = h.restTicks();
    h.clock.advance(1_000);
    await next;
  }
  assert.equal(stalled.closedWith?.code, 4000);
  assert.equal(h.loop.state().lastError?.kind, "ws-silent");
  h.clock.advance(500);
  const fresh = h.sockets.last;
  assert.notEqual(fresh, stalled);
  fresh.open();
  assert.equal(h.loop.state().counters.wsSubscribeRequests, 2);
  h.everyTicker(fresh);
  assert.equal(h.loop.mode, "ws");
  await h.loop.stop();
});

Deno.test("WsIngestLoop - a stream that never connects is replaced by REST after 5 s", async () => {
  const h = harness();
  h.loop.start();
  const polled = h.restTicks();
  h.clock.advance(5_000);
  await polled;
  assert.equal(h.loop.mode, "rest-fallback");
  assert.equal(h.loop.state().lastSuccess, h.clock.now());
  await h.loop.stop();
});

Deno.test("WsIngestLoop - both sources share one analyzer: velocity continues across the switch", async () => {
  const h = harness();
  const socket = h.started();
  h.everyTicker(socket);
  socket.drop();
  const polled = h.restTicks();
  h.clock.advance(5_000);
  const [btc] = await polled;
  assert.equal(btc.symbol, "BTC-USDT");
  assert.notEqual(btc.velocity, 0, "the previous price came from the stream");
  await h.loop.stop();
});

Deno.test("WsIngestLoop - refused tickers make a symbol unavailable", async () => {
  const h = harness();
  h.loop.start();
  const socket = h.sockets.last;
  socket.open();
  const [request] = socket.subscribes();
  socket.receive({
    success: false,
    ret_msg: "Invalid symbol :[tickers.1000SATSUSDT,publicTrade.1000SATSUSDT]",
    conn_id: "c",
    req_id: request.req_id,
    op: "subscribe",
  });
  const state = h.loop.state();
  assert.deepEqual(state.unavailableSymbols, ["1000SATS-USDT"]);
  assert.deepEqual(state.ws?.refusedTopics, [
    "tickers.1000SATSUSDT",
    "publicTrade.1000SATSUSDT",
  ]);
  assert.equal(state.counters.wsRefusals, 2);
  assert.equal(state.lastError?.kind, "ws-refused");
  await h.loop.stop();
});

Deno.test({
  name:
    "WsIngestLoop - stop during fallback aborts the poll in flight and leaves nothing behind",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const h = harness([{ hang: true }]);
    h.loop.start();
    h.clock.advance(5_000);
    assert.equal(h.fake.pending, 1);
    await h.loop.stop();
    assert.equal(h.fake.pending, 0);
    assert.deepEqual(h.clock.pending(), []);
  },
});

Deno.test("WsIngestLoop - rejects a bad fallback delay", () => {
  assert.throws(
    () =>
      new WsIngestLoop({
        ...collectors().callbacks,
        config: {
          ...CONFIG,
          upstream: { ...CONFIG.upstream, wsFallbackAfterMs: 0 },
        },
      }),
    /wsFallbackAfterMs must be > 0, got 0/,
  );
});
