import assert from "node:assert/strict";
import type { TrackedSymbol } from "../../market/tracked_symbol.ts";
import {
  BybitWsClient,
  type BybitWsClientOptions,
  WS_DEFAULTS,
} from "./bybit_ws_client.ts";
import { symbolTopics, topicTable } from "./bybit_ws_schema.ts";
import type { MarketTick } from "../../market/market_tick.ts";
import type { MarketTrade } from "../../market/market_trade.ts";
import {
  FakeSockets,
  type LogEntry,
  tickerPush,
  TRACKED,
  tradePush,
} from "../test_utils.ts";
import { FakeClock } from "../../clock/fake_clock.ts";

/** Options of the test client: its symbols instead of topics and routes. */
type HarnessOptions =
  & Partial<Omit<BybitWsClientOptions, "topics" | "routes">>
  & { symbols?: readonly TrackedSymbol[] };

function harness(options: HarnessOptions = {}) {
  const clock = new FakeClock();
  const sockets = new FakeSockets();
  const ticks: { tick: MarketTick; simulated: boolean }[] = [];
  const trades: MarketTrade[][] = [];
  const logs: LogEntry[] = [];
  let changes = 0;
  const { symbols = TRACKED, ...rest } = options;
  const client = new BybitWsClient({
    url: "wss://stream.example.test/v5/public/spot",
    topics: symbols.flatMap(symbolTopics),
    routes: topicTable(symbols),
    connectTimeoutMs: 10_000,
    connect: sockets.connect,
    clock,
    random: () => 0.5,
    onPush: (push) => {
      if (push.kind === "ticker") {
        ticks.push({ tick: push.tick, simulated: push.simulated });
      } else if (push.kind === "trades") trades.push(push.trades);
    },
    onChange: () => changes++,
    onLog: (level, message, fields) => logs.push({ level, message, fields }),
    ...rest,
  });
  /** Starts the client and opens its first socket. */
  const connected = () => {
    client.start();
    sockets.last.open();
    return sockets.last;
  };
  return {
    clock,
    sockets,
    ticks,
    trades,
    logs,
    client,
    connected,
    changes: () => changes,
  };
}

const ALL_TOPICS = TRACKED.flatMap((s) => [
  `tickers.${s.upstream}`,
  `publicTrade.${s.upstream}`,
]);

Deno.test("BybitWsClient - subscribes every topic once open, at most 10 args a request", () => {
  const six: TrackedSymbol[] = [
    ...TRACKED,
    { id: "XRP-USDT", upstream: "XRPUSDT", category: "spot" },
    { id: "ADA-USDT", upstream: "ADAUSDT", category: "spot" },
  ];
  const h = harness({ symbols: six });
  h.client.start();
  assert.equal(h.sockets.last.url, "wss://stream.example.test/v5/public/spot");
  assert.equal(h.sockets.last.sent.length, 0, "nothing before open");
  h.sockets.last.open();
  const subscribes = h.sockets.last.subscribes();
  assert.deepEqual(subscribes.map((s) => s.args.length), [10, 2]);
  assert.equal(new Set(subscribes.flatMap((s) => s.args)).size, 12);
  assert.equal(h.client.state().connected, true);
  assert.equal(h.client.state().counters.subscribeRequests, 2);
  assert.equal(h.client.state().topics.pending, 12);
});

Deno.test("BybitWsClient - tickers and trades flow, even before the ack", () => {
  const h = harness();
  const socket = h.connected();
  socket.receive({ ...tickerPush("BTCUSDT"), simulator: true });
  socket.receive(tradePush("ETHUSDT", [{ i: "t1" }, { i: "t2", S: "Sell" }]));
  assert.equal(h.ticks.length, 1);
  assert.equal(h.ticks[0].tick.symbol, "BTC-USDT");
  assert.equal(h.ticks[0].tick.price, 21109.77);
  assert.equal(h.ticks[0].simulated, true);
  assert.deepEqual(h.trades[0].map((t) => [t.symbol, t.id, t.side]), [
    ["ETH-USDT", "t1", "Buy"],
    ["ETH-USDT", "t2", "Sell"],
  ]);
  const state = h.client.state();
  assert.deepEqual(state.topics, { active: 2, pending: 6, refused: [] });
  assert.equal(state.lastTickAt, h.clock.now());
  assert.equal(state.counters.trades, 2);
  socket.ackAll();
  assert.deepEqual(h.client.state().topics, {
    active: 8,
    pending: 0,
    refused: [],
  });
});

Deno.test("BybitWsClient - a frame over maxFrameChars is counted as bad and never delivered", () => {
  const h = harness({ maxFrameChars: 4096 });
  const socket = h.connected();
  const push = tickerPush("BTCUSDT") as Record<string, unknown>;
  socket.receive({ ...push, pad: "x".repeat(8192) });
  assert.equal(h.ticks.length, 0);
  assert.equal(h.client.state().counters.badMessages, 1);
  assert.match(String(h.logs.at(-1)?.fields.reason), /too large/);
  socket.receive(push);
  assert.equal(h.ticks.length, 1, "smaller frames still flow");
});

Deno.test("BybitWsClient - pings every 20 s and measures the pong", () => {
  const h = harness({ dataSilenceMs: 600_000 });
  const socket = h.connected();
  h.clock.advance(19_999);
  assert.equal(socket.requests().filter((r) => r.op === "ping").length, 0);
  h.clock.advance(1);
  assert.equal(socket.requests().filter((r) => r.op === "ping").length, 1);
  h.clock.advance(42);
  socket.receive({ success: true, ret_msg: "pong", conn_id: "c", op: "ping" });
  assert.equal(h.client.state().latencyMs, 42);
  h.clock.advance(20_000);
  assert.equal(socket.requests().filter((r) => r.op === "ping").length, 2);
});

Deno.test("BybitWsClient - answered pings keep a quiet socket open (the data rule aside)", () => {
  const h = harness({ dataSilenceMs: 600_000 });
  const socket = h.connected();
  for (let i = 0; i < 6; i++) {
    h.clock.advance(20_000);
    socket.receive({
      success: true,
      ret_msg: "pong",
      conn_id: "c",
      op: "ping",
    });
  }
  assert.equal(h.sockets.made.length, 1);
  assert.equal(socket.closedWith, undefined);
});

Deno.test("BybitWsClient - a connection answering pings but sending no data is replaced after 30 s", () => {
  const h = harness();
  const first = h.connected();
  first.ackAll();
  first.receive(tickerPush("BTCUSDT"));
  for (let i = 0; i < 3; i++) {
    h.clock.advance(10_000);
    first.receive({ success: true, ret_msg: "pong", conn_id: "c", op: "ping" });
  }
  assert.equal(first.closedWith?.code, 4000, "replaced at 30 s of no data");
  const lost = h.client.state();
  assert.equal(lost.lastError?.kind, "ws-data-silent");
  assert.match(lost.lastError!.message, /No data on any of 8 topics/);
  assert.equal(lost.counters.dataSilenceReplacements, 1);
  h.clock.advance(500);
  h.sockets.last.open();
  assert.equal(h.sockets.last.subscribes().flatMap((s) => s.args).length, 8);
});

Deno.test("BybitWsClient - a ticker topic silent for 5 minutes is resubscribed, trades are not", () => {
  const h = harness();
  const socket = h.connected();
  socket.ackAll();
  // BTC's ticker and ETH's trades keep the connection alive; nothing else.
  for (let t = 0; t < 300_000; t += 5_000) {
    h.clock.advance(5_000);
    socket.receive(tickerPush("BTCUSDT"));
  }
  const unsubscribed = socket.requests().filter((r) => r.op === "unsubscribe")
    .flatMap((r) => r.args ?? []);
  assert.deepEqual(unsubscribed.sort(), [
    "tickers.1000SATSUSDT",
    "tickers.ETHUSDT",
    "tickers.SOLUSDT",
  ]);
  const again = socket.subscribes().slice(1).flatMap((r) => r.args).sort();
  assert.deepEqual(again, unsubscribed);
  const state = h.client.state();
  assert.equal(state.counters.topicResubscribes, 3);
  assert.equal(state.topics.pending, 3, "pending until data or ack");
  assert.equal(h.sockets.made.length, 1, "no reconnect");
  assert.ok(h.logs.some((l) => l.message === "Resubscribing WebSocket topics"));
});

Deno.test("BybitWsClient - topics added and removed while connected, without a reconnect", () => {
  const h = harness({ symbols: TRACKED.slice(0, 1) });
  const socket = h.connected();
  h.client.add(["tickers.XRPUSDT", "publicTrade.XRPUSDT"]);
  h.client.remove(["publicTrade.BTCUSDT"]);
  const requests = socket.requests();
  assert.deepEqual(requests.at(-2), {
    req_id: requests.at(-2)!.req_id,
    op: "subscribe",
    args: ["tickers.XRPUSDT", "publicTrade.XRPUSDT"],
  });
  assert.equal(requests.at(-1)!.op, "unsubscribe");
  assert.deepEqual(requests.at(-1)!.args, ["publicTrade.BTCUSDT"]);
  assert.deepEqual(h.client.topics(), [
    "tickers.BTCUSDT",
    "tickers.XRPUSDT",
    "publicTrade.XRPUSDT",
  ]);
  socket.receive(tradePush("BTCUSDT"));
  assert.equal(h.trades.length, 0, "a removed topic's data is ignored");
  assert.equal(h.sockets.made.length, 1);
});

Deno.test("BybitWsClient - a resubscribe is not repeated within 10 s", () => {
  const h = harness();
  const socket = h.connected();
  assert.deepEqual(h.client.resubscribe(["tickers.BTCUSDT"], "test"), [
    "tickers.BTCUSDT",
  ]);
  assert.deepEqual(h.client.resubscribe(["tickers.BTCUSDT"], "test"), []);
  h.clock.advance(WS_DEFAULTS.minResubscribeMs);
  assert.equal(h.client.resubscribe(["tickers.BTCUSDT"], "test").length, 1);
  assert.equal(
    socket.requests().filter((r) => r.op === "unsubscribe").length,
    2,
  );
});

Deno.test("BybitWsClient - a start delay opens the socket later", () => {
  const h = harness({ startDelayMs: 700 });
  h.client.start();
  assert.equal(h.sockets.made.length, 0);
  h.clock.advance(699);
  assert.equal(h.sockets.made.length, 0);
  h.clock.advance(1);
  assert.equal(h.sockets.made.length, 1);
  h.client.stop();
});

Deno.test("BybitWsClient - 30 s of silence is a dead socket: reconnect and resubscribe", () => {
  const h = harness();
  const first = h.connected();
  first.ackAll();
  first.receive(tickerPush("BTCUSDT"));
  h.clock.advance(29_999);
  assert.equal(h.client.state().connected, true);
  h.clock.advance(1);
  assert.equal(first.closedWith?.code, 4000);
  const lost = h.client.state();
  assert.equal(lost.connected, false);
  assert.equal(lost.lastError?.kind, "ws-silent");
  assert.equal(lost.consecutiveFailures, 1);
  assert.equal(lost.nextAttemptAt, h.clock.now() + 500);
  h.clock.advance(500);
  assert.equal(h.sockets.made.length, 2);
  h.sockets.last.open();
  assert.deepEqual(
    h.sockets.last.subscribes().flatMap((s) => s.args).sort(),
    [...ALL_TOPICS].sort(),
  );
  assert.equal(h.client.state().counters.subscribeRequests, 2);
  assert.equal(h.client.state().counters.connects, 2);
  first.receive(tickerPush("BTCUSDT"));
  assert.equal(h.ticks.length, 1, "the abandoned socket is ignored");
});

Deno.test("BybitWsClient - a closed socket reconnects with growing full-jitter backoff", () => {
  const h = harness();
  h.connected().drop(1006);
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    const state = h.client.state();
    delays.push(state.nextAttemptAt! - h.clock.now());
    h.clock.advance(state.nextAttemptAt! - h.clock.now());
    h.sockets.last.drop(1006);
  }
  assert.deepEqual(delays, [500, 1_000, 2_000, 4_000, 7_500]);
  assert.equal(h.client.state().consecutiveFailures, 6);
  assert.match(h.client.state().lastError!.message, /code 1006/);
  assert.ok(h.logs.some((l) => l.message === "WebSocket lost; reconnecting"));
});

Deno.test("BybitWsClient - data resets the failure count; a long healthy life resets the backoff", () => {
  const h = harness();
  h.connected().drop();
  h.clock.advance(500);
  h.sockets.last.open();
  h.sockets.last.drop();
  assert.equal(h.client.state().nextAttemptAt! - h.clock.now(), 1_000);
  h.clock.advance(1_000);
  h.sockets.last.open();
  h.sockets.last.receive(tickerPush("BTCUSDT"));
  assert.equal(h.client.state().consecutiveFailures, 0);
  h.clock.advance(WS_DEFAULTS.stableAfterMs);
  h.sockets.last.receive(tickerPush("BTCUSDT"));
  h.sockets.last.drop();
  assert.equal(h.client.state().nextAttemptAt! - h.clock.now(), 500);
});

Deno.test("BybitWsClient - a socket that never opens is abandoned after the connect timeout", () => {
  const h = harness({ connectTimeoutMs: 3_000 });
  h.client.start();
  h.clock.advance(3_000);
  assert.equal(h.sockets.made[0].closedWith?.code, 4000);
  assert.match(
    h.client.state().lastError!.message,
    /did not open within 3000 ms/,
  );
  h.clock.advance(500);
  assert.equal(h.sockets.made.length, 2);
});

Deno.test("BybitWsClient - a factory that throws is a failed attempt, retried later", () => {
  let calls = 0;
  const h = harness({
    connect: () => {
      calls++;
      throw new Error("DNS lookup failed");
    },
  });
  h.client.start();
  assert.equal(calls, 1);
  assert.match(h.client.state().lastError!.message, /DNS lookup failed/);
  h.clock.advance(500);
  assert.equal(calls, 2);
});

Deno.test("BybitWsClient - a refused subscription is reported and retried slowly, not in a loop", () => {
  const h = harness();
  const socket = h.connected();
  const [request] = socket.subscribes();
  socket.receive({
    success: false,
    ret_msg: "Invalid symbol :[tickers.1000SATSUSDT,publicTrade.1000SATSUSDT]",
    conn_id: "c",
    req_id: request.req_id,
    op: "subscribe",
  });
  const state = h.client.state();
  assert.deepEqual(state.topics.refused, [
    "tickers.1000SATSUSDT",
    "publicTrade.1000SATSUSDT",
  ]);
  assert.deepEqual(state.refusedSymbols, ["1000SATS-USDT"]);
  assert.equal(state.lastError?.kind, "ws-refused");
  assert.equal(state.counters.refusals, 2);
  assert.ok(h.logs.some((l) => l.message === "WebSocket subscription refused"));
  const answer = () => {
    for (const r of socket.subscribes().slice(-1)) {
      socket.receive({
        success: false,
        ret_msg: "Invalid symbol :[tickers.1000SATSUSDT]",
        conn_id: "c",
        req_id: r.req_id,
        op: "subscribe",
      });
    }
  };
  /** Time passes while the other symbols keep streaming. */
  const stream = (ms: number) => {
    for (let left = ms; left > 0; left -= Math.min(left, 10_000)) {
      h.clock.advance(Math.min(left, 10_000));
      socket.receive(tickerPush("BTCUSDT"));
    }
  };
  stream(59_999);
  assert.equal(socket.subscribes().length, 1);
  stream(1);
  assert.equal(socket.subscribes().length, 2);
  assert.deepEqual(socket.subscribes()[1].args, [
    "tickers.1000SATSUSDT",
    "publicTrade.1000SATSUSDT",
  ]);
  answer();
  stream(119_999);
  assert.equal(socket.subscribes().length, 2);
  stream(1);
  assert.equal(socket.subscribes().length, 3, "then after 2 min");
  assert.equal(h.sockets.made.length, 1, "no reconnect for a refusal");
});

Deno.test("BybitWsClient - a refusal naming no topic refuses its whole request", () => {
  const h = harness();
  const socket = h.connected();
  socket.ackAll(false, "error:subscription refused (simulated fault)");
  assert.equal(h.client.state().topics.refused.length, 8);
  assert.equal(h.client.state().refusedSymbols.length, 4);
});

Deno.test("BybitWsClient - malformed frames are counted and skipped; data keeps flowing", () => {
  const h = harness();
  const socket = h.connected();
  socket.receive("{cut");
  socket.receive(tickerPush("BTCUSDT", { lastPrice: "abc" }));
  socket.receive({ ...tradePush("BTCUSDT"), data: { oops: true } });
  socket.receive(new TextEncoder().encode("binary").buffer);
  socket.receive(tradePush("BTCUSDT", [{ p: "bad" }, { i: "ok" }]));
  socket.receive(tickerPush("ETHUSDT"));
  const state = h.client.state();
  assert.equal(state.counters.messages, 6);
  assert.equal(state.counters.badMessages, 4);
  assert.equal(state.counters.itemsRejected, 1);
  assert.equal(h.ticks.length, 1);
  assert.equal(h.trades[0].length, 1);
  assert.equal(state.connected, true);
  const warnings = h.logs.filter((l) =>
    l.message === "WebSocket frame rejected"
  );
  assert.equal(warnings.length, 1, "logging is throttled; counters are exact");
});

Deno.test("BybitWsClient - a throwing consumer does not stop the stream", () => {
  const h = harness({
    onPush: () => {
      throw new Error("boom");
    },
  });
  const socket = h.connected();
  socket.receive(tickerPush("BTCUSDT"));
  socket.receive(tickerPush("BTCUSDT"));
  assert.equal(h.client.state().lastTickAt, h.clock.now());
  assert.equal(
    h.logs.filter((l) => l.message === "WebSocket data consumer failed").length,
    2,
  );
});

Deno.test("BybitWsClient - stop closes the socket, leaves no timer and never reconnects", () => {
  const h = harness();
  const socket = h.connected();
  h.client.stop();
  assert.deepEqual(socket.closedWith, {
    code: 1000,
    reason: "client stopping",
  });
  assert.deepEqual(h.clock.pending(), []);
  socket.drop();
  h.clock.advance(60_000);
  assert.equal(h.sockets.made.length, 1);
  h.client.stop();
});

Deno.test("BybitWsClient - rejects non-WebSocket URLs and bad timeouts", () => {
  assert.throws(
    () => harness({ url: "https://stream.bybit.com/v5/public/spot" }),
    /url must be ws\(s\), got https:/,
  );
  assert.throws(
    () => harness({ silenceTimeoutMs: 0 }),
    /silenceTimeoutMs must be > 0, got 0/,
  );
  const h = harness();
  h.client.start();
  assert.throws(() => h.client.start(), /already started/);
  h.client.stop();
});
