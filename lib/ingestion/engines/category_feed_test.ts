/**
 * The WebSocket engine at whole-market scale: several markets, topics spread
 * over several connections, linear deltas, liquidations, listing changes, and
 * REST standing in only for what the streams do not deliver.
 */
import assert from "node:assert/strict";
import { FakeClock } from "../../clock/fake_clock.ts";
import type { TrackedSymbol } from "../../market/tracked_symbol.ts";
import {
  allTrackedBody,
  collectors,
  fakeHostConfig,
  type FakeSockets,
  FakeSockets as Sockets,
  type FakeWebSocket,
  jsonResponse,
  linearPush,
  liquidationPush,
  ScriptedFetch,
  tickerPush,
  TRACKED,
  TRACKED_PERPS,
  tradePush,
} from "../test_utils.ts";
import { DEFAULT_BATCH_MS } from "./cycle_batcher.ts";
import type { IngestConfig } from "./engine_contract.ts";
import { WsIngestLoop, type WsIngestLoopOptions } from "./ws_ingest_loop.ts";

const MARKETS: IngestConfig = {
  ...fakeHostConfig("ws"),
  markets: ["spot", "linear"],
  symbols: [...TRACKED, ...TRACKED_PERPS],
  thresholds: Object.fromEntries(
    [...TRACKED, ...TRACKED_PERPS].map((s) => [s.id, 1_000_000]),
  ),
};

function harness(
  config: IngestConfig = MARKETS,
  options: Partial<WsIngestLoopOptions> = {},
) {
  const clock = new FakeClock();
  const sockets = new Sockets();
  const fake = new ScriptedFetch([{
    respond: () => jsonResponse(allTrackedBody()),
  }]);
  const c = collectors();
  const loop = new WsIngestLoop({
    config,
    fetch: fake.fetch,
    connect: sockets.connect,
    clock,
    random: () => 0.5,
    ...c.callbacks,
    ...options,
  });
  return { clock, sockets, fake, ...c, loop };
}

/** Sockets of one market's stream, in the order they were made. */
function of(sockets: FakeSockets, market: "spot" | "linear"): FakeWebSocket[] {
  return sockets.made.filter((s) => s.url.endsWith(`/${market}`));
}

function openAll(sockets: FakeSockets): void {
  for (const socket of sockets.made) {
    if (socket.readyState === 0) {
      socket.open();
      socket.ackAll();
    }
  }
}

Deno.test("WsIngestLoop - one stream per market; perpetual topics include liquidations", async () => {
  const h = harness();
  h.loop.start();
  openAll(h.sockets);
  const [spot] = of(h.sockets, "spot");
  const [linear] = of(h.sockets, "linear");
  assert.equal(spot.url, "wss://stream.example.test/v5/public/spot");
  assert.equal(linear.url, "wss://stream.example.test/v5/public/linear");
  assert.deepEqual(
    linear.subscribes().flatMap((s) => s.args),
    [
      "tickers.BTCUSDT",
      "publicTrade.BTCUSDT",
      "allLiquidation.BTCUSDT",
      "tickers.ETHUSDT",
      "publicTrade.ETHUSDT",
      "allLiquidation.ETHUSDT",
    ],
  );
  // The same exchange symbol in both markets: two channels, never mixed.
  spot.receive(tickerPush("BTCUSDT"));
  linear.receive(linearPush("BTCUSDT"));
  h.clock.advance(DEFAULT_BATCH_MS);
  const ticks = h.ticks.items.flat();
  assert.deepEqual(ticks.map((t) => t.symbol), ["BTC-USDT", "BTC-USDT-PERP"]);
  assert.equal(ticks[0].mark_price, undefined, "spot ticks stay spot");
  assert.equal(ticks[1].mark_price, 17217.33);
  assert.equal(ticks[1].funding_rate, -0.000212);
  assert.equal(ticks[1].next_funding_time, 1673280000000);
  assert.equal(ticks[1].open_interest_value, 1183601235.91);
  const state = h.loop.state();
  assert.deepEqual(state.ws?.connections.map((c) => c.label), [
    "spot#1",
    "linear#1",
  ]);
  await h.loop.stop();
  assert.deepEqual(h.clock.pending(), []);
});

Deno.test("WsIngestLoop - linear deltas merge into the last snapshot; one without a snapshot is skipped, counted and resubscribed", async () => {
  const h = harness();
  h.loop.start();
  openAll(h.sockets);
  const [linear] = of(h.sockets, "linear");
  linear.receive(linearPush("ETHUSDT", "delta"));
  h.clock.advance(DEFAULT_BATCH_MS);
  assert.equal(h.ticks.items.length, 0);
  let state = h.loop.state();
  assert.equal(state.counters.deltasWithoutSnapshot, 1);
  assert.equal(state.counters.wsTopicResubscribes, 1);
  const requests = linear.requests();
  assert.deepEqual(requests.at(-2), {
    req_id: requests.at(-2)!.req_id,
    op: "unsubscribe",
    args: ["tickers.ETHUSDT"],
  });
  assert.deepEqual(requests.at(-1)!.args, ["tickers.ETHUSDT"]);
  assert.equal(requests.at(-1)!.op, "subscribe");
  // The snapshot the resubscription brings, then deltas merge onto it.
  linear.receive(linearPush("ETHUSDT"));
  linear.receive(linearPush("ETHUSDT", "delta"));
  h.clock.advance(DEFAULT_BATCH_MS);
  const [snapshot, delta] = h.ticks.items.flat();
  assert.equal(snapshot.price, 17216);
  assert.equal(delta.price, 17211.5);
  assert.equal(delta.mark_price, 17214.02);
  assert.equal(delta.index_price, 17227.36, "unchanged field kept");
  state = h.loop.state();
  assert.equal(state.counters.deltasWithoutSnapshot, 1);
  await h.loop.stop();
});

Deno.test("WsIngestLoop - liquidations and trades of a cycle are reported with its ticks, once", async () => {
  const h = harness();
  h.loop.start();
  openAll(h.sockets);
  const [spot] = of(h.sockets, "spot");
  const [linear] = of(h.sockets, "linear");
  const calls: string[] = [];
  h.ticks.next().then(() => calls.push("ticks"));
  for (let i = 0; i < 50; i++) spot.receive(tickerPush("SOLUSDT"));
  spot.receive(tradePush("SOLUSDT"));
  linear.receive(
    liquidationPush("BTCUSDT", [{ S: "Buy", p: "60000", v: "20" }]),
  );
  assert.equal(h.ticks.items.length, 0, "nothing before the cycle ends");
  h.clock.advance(DEFAULT_BATCH_MS);
  assert.equal(h.ticks.items.length, 1);
  assert.equal(h.ticks.items[0].length, 50);
  assert.equal(h.trades.items.length, 1);
  assert.deepEqual(h.liquidations.items, [[{
    symbol: "BTC-USDT-PERP",
    time: 1739502302929,
    side: "Buy",
    price: 60000,
    size: 20,
    notional: 1_200_000,
  }]]);
  assert.equal(h.loop.state().counters.liquidations, 1);
  await h.loop.stop();
});

Deno.test("WsIngestLoop - topics spread over connections within the args limit, each reconnecting on its own", async () => {
  const many: TrackedSymbol[] = Array.from({ length: 30 }, (_, i) => ({
    id: `S${i}-USDT`,
    upstream: `S${i}USDT`,
    category: "spot",
  }));
  const config: IngestConfig = {
    ...fakeHostConfig("ws"),
    symbols: many,
    thresholds: {},
  };
  const h = harness(config, { maxArgsChars: 400, startJitterMs: 2_000 });
  h.loop.start();
  assert.equal(h.sockets.made.length, 1, "the first opens at once");
  h.clock.advance(2_000);
  const count = h.sockets.made.length;
  assert.ok(count >= 3, `${count} connections for 60 topics in 400 chars`);
  openAll(h.sockets);
  const args = h.sockets.made.map((s) => s.subscribes().flatMap((r) => r.args));
  for (const list of args) {
    assert.ok(JSON.stringify(list).length <= 400);
  }
  assert.equal(new Set(args.flat()).size, 60);
  // One connection drops: only it reconnects and resubscribes.
  const dropped = h.sockets.made[1];
  dropped.drop(1006);
  h.clock.advance(500);
  assert.equal(h.sockets.made.length, count + 1);
  const replacement = h.sockets.last;
  replacement.open();
  assert.deepEqual(
    replacement.subscribes().flatMap((r) => r.args),
    args[1],
  );
  for (const socket of h.sockets.made.slice(0, count)) {
    if (socket === dropped) continue;
    assert.equal(socket.closedWith, undefined, "the others stay up");
  }
  const state = h.loop.state();
  assert.equal(state.ws?.connections.length, count);
  assert.equal(state.counters.wsConnects, count + 1);
  await h.loop.stop();
});

Deno.test("WsIngestLoop - a listing change adds and removes topics without restarting anything", async () => {
  const h = harness(fakeHostConfig("ws"));
  h.loop.start();
  openAll(h.sockets);
  const socket = h.sockets.last;
  const xrp: TrackedSymbol = {
    id: "XRP-USDT",
    upstream: "XRPUSDT",
    category: "spot",
  };
  h.loop.setSymbols([...TRACKED.slice(1), xrp], {
    "ETH-USDT": 1,
    "SOL-USDT": 1,
    "1000SATS-USDT": 1,
    "XRP-USDT": 7,
  });
  const requests = socket.requests();
  assert.deepEqual(requests.at(-2)!.args, [
    "tickers.BTCUSDT",
    "publicTrade.BTCUSDT",
  ]);
  assert.equal(requests.at(-2)!.op, "unsubscribe");
  assert.deepEqual(requests.at(-1)!.args, [
    "tickers.XRPUSDT",
    "publicTrade.XRPUSDT",
  ]);
  socket.receive(tickerPush("XRPUSDT"));
  socket.receive(tickerPush("BTCUSDT"));
  h.clock.advance(DEFAULT_BATCH_MS);
  const ticks = h.ticks.items.flat();
  assert.deepEqual(ticks.map((t) => t.symbol), ["XRP-USDT"]);
  assert.equal(ticks[0].whale_threshold, 7);
  assert.equal(h.sockets.made.length, 1, "no reconnect");
  await h.loop.stop();
});

Deno.test("WsIngestLoop - REST stands in only for the symbols the stream is not delivering", async () => {
  const h = harness(fakeHostConfig("ws"));
  h.loop.start();
  openAll(h.sockets);
  const socket = h.sockets.last;
  // Every symbol but SOL keeps streaming.
  for (let t = 0; t < 5_000; t += 500) {
    for (const symbol of ["BTCUSDT", "ETHUSDT", "1000SATSUSDT"]) {
      socket.receive(tickerPush(symbol));
    }
    h.clock.advance(500);
  }
  const rest = await h.ticks.next((batch) => batch[0].source === "rest");
  assert.deepEqual(rest.map((t) => t.symbol), ["SOL-USDT"]);
  const state = h.loop.state();
  assert.equal(state.mode, "rest-fallback");
  assert.equal(state.ws?.fallbackSymbols, 1);
  assert.equal(new URL(h.fake.urls[0]).searchParams.get("category"), "spot");
  socket.receive(tickerPush("SOLUSDT"));
  assert.equal(h.loop.mode, "ws", "SOL's ticker hands it back");
  await h.loop.stop();
});
