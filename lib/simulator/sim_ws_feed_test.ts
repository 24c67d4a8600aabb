import assert from "node:assert/strict";
import type { Clock } from "../clock/clock.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { SimMarket } from "./market_model.ts";
import { MAX_CLIENT_BACKLOG_BYTES, SimWsFeed } from "./sim_ws_feed.ts";
import { FakeSimSocket } from "./test_utils.ts";

function harness(pushIntervalMs = 50) {
  const clock = new FakeClock();
  const market = new SimMarket({ startMs: clock.now(), seed: 3 });
  const feed = new SimWsFeed({ market, clock, pushIntervalMs });
  const connect = (...topics: string[]) => {
    const socket = new FakeSimSocket();
    const session = feed.open(socket);
    if (topics.length > 0) {
      session.receive(JSON.stringify({ op: "subscribe", args: topics }));
    }
    return { socket, session };
  };
  return { clock, market, feed, connect };
}

Deno.test("SimWsFeed - pushes each subscribed ticker every interval, to its subscribers only", () => {
  const { clock, connect } = harness();
  const btc = connect("tickers.BTCUSDT");
  const eth = connect("tickers.ETHUSDT");
  const idle = connect();
  clock.advance(50);
  assert.deepEqual(btc.socket.pushes("tickers").map((p) => p.topic), [
    "tickers.BTCUSDT",
  ]);
  clock.advance(450);
  assert.equal(btc.socket.pushes("tickers.BTCUSDT").length, 10);
  assert.equal(eth.socket.pushes("tickers.ETHUSDT").length, 10);
  assert.equal(eth.socket.pushes("tickers.BTCUSDT").length, 0);
  assert.equal(idle.socket.sent.length, 0);
  const cs = btc.socket.pushes("tickers").map((p) => p.cs);
  assert.deepEqual(cs, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

Deno.test("SimWsFeed - a ticker push carries what REST answers at that instant", () => {
  const { clock, market, connect } = harness();
  const { socket } = connect("tickers.SOLUSDT");
  clock.advance(1_000);
  const last = socket.pushes("tickers").at(-1)!;
  assert.equal(last.ts, clock.now());
  const rest = market.ticker("SOLUSDT")!;
  const {
    bid1Price: _b,
    bid1Size: _bs,
    ask1Price: _a,
    ask1Size: _as,
    ...spot
  } = rest;
  assert.deepEqual(last.data, spot);
});

Deno.test("SimWsFeed - each push is stamped when it is encoded; a shared push keeps one stamp", () => {
  const fake = new FakeClock();
  let sendingCost = 0;
  const clock: Clock = {
    now: () => fake.now() + sendingCost,
    monotonic: () => fake.monotonic(),
    setTimer: (callback, ms) => fake.setTimer(callback, ms),
    clearTimer: (id) => fake.clearTimer(id),
  };
  /** A socket whose every send takes 7 ms of the feed's time. */
  class SlowSocket extends FakeSimSocket {
    override send(data: string | Uint8Array<ArrayBuffer>): void {
      sendingCost += 7;
      super.send(data);
    }
  }
  const market = new SimMarket({ startMs: fake.now(), seed: 3 });
  const feed = new SimWsFeed({ market, clock });
  const first = new SlowSocket();
  const second = new SlowSocket();
  const subscribe = (socket: FakeSimSocket, ...args: string[]) =>
    feed.open(socket).receive(JSON.stringify({ op: "subscribe", args }));
  subscribe(first, "tickers.BTCUSDT", "tickers.ETHUSDT");
  subscribe(second, "tickers.ETHUSDT", "tickers.SOLUSDT");
  sendingCost = 0;
  const start = fake.now();
  feed.push();
  const stamps = (socket: FakeSimSocket) =>
    socket.pushes("tickers").map((p) => [p.topic, Number(p.ts) - start]);
  assert.deepEqual(stamps(first), [
    ["tickers.BTCUSDT", 0],
    ["tickers.ETHUSDT", 7],
  ]);
  assert.deepEqual(stamps(second), [
    ["tickers.ETHUSDT", 7],
    ["tickers.SOLUSDT", 21],
  ]);
});

Deno.test("SimWsFeed - every trade of a subscribed symbol is pushed once, in order, whales included", () => {
  const { clock, market, connect } = harness(1_000);
  const { socket } = connect("publicTrade.BTCUSDT");
  clock.advance(30 * 60_000);
  const trades = socket.pushes("publicTrade").flatMap((p) =>
    p.data as { s: string; p: string; v: string; seq: number; T: number }[]
  );
  assert.ok(trades.length > 10_000, `only ${trades.length} trades`);
  assert.ok(trades.every((t) => t.s === "BTCUSDT"));
  const all = market.tradesSince(0).filter((t) => t.symbol === "BTCUSDT");
  const tail = all.map((t) => t.seq);
  assert.deepEqual(trades.slice(-tail.length).map((t) => t.seq), tail);
  for (let i = 1; i < trades.length; i++) {
    assert.ok(trades[i].seq > trades[i - 1].seq, "ascending sequence");
  }
  const notionals = trades.map((t) => Number(t.p) * Number(t.v));
  assert.ok(Math.max(...notionals) >= 250_000, "at least one whale trade");
  const median = notionals.sort((a, b) => a - b)[notionals.length >> 1];
  assert.ok(median < 10_000, `ordinary trades are small (median ${median})`);
});

Deno.test("SimWsFeed - close drops open connections, then new ones until cleared", () => {
  const { feed, connect } = harness();
  const open = connect("tickers.BTCUSDT");
  feed.setFault("close");
  assert.equal(open.socket.closed, true);
  assert.equal(connect().socket.closed, true);
  feed.clearFault();
  assert.equal(connect().socket.closed, false);
  assert.deepEqual(feed.state().faultsApplied, { close: 2 });
  assert.equal(feed.state().connections.open, 1);
  assert.equal(feed.state().connections.total, 3);
});

Deno.test("SimWsFeed - close with a count hits that many connections", () => {
  const { feed, connect } = harness();
  const first = connect();
  const second = connect();
  assert.deepEqual(feed.setFault("close", { count: 1 }), {
    fault: "close",
    remaining: 0,
  });
  assert.deepEqual([first.socket.closed, second.socket.closed], [true, false]);
  assert.equal(feed.state().activeFault, null);
});

Deno.test("SimWsFeed - silence keeps the socket open but sends nothing, even after clearing", () => {
  const { clock, feed, connect } = harness();
  const stalled = connect("tickers.BTCUSDT");
  clock.advance(100);
  const before = stalled.socket.sent.length;
  feed.setFault("silence");
  const late = connect("tickers.BTCUSDT");
  feed.clearFault();
  const fresh = connect("tickers.BTCUSDT");
  clock.advance(500);
  stalled.session.receive('{"op":"ping"}');
  assert.equal(stalled.socket.sent.length, before);
  assert.equal(stalled.socket.closed, false);
  assert.equal(late.socket.sent.length, 0);
  assert.equal(fresh.socket.pushes("tickers").length, 10);
});

Deno.test("SimWsFeed - malformed adds one broken frame per cycle, in turn, next to good pushes", () => {
  const { clock, feed, connect } = harness();
  const { socket } = connect("tickers.ETHUSDT");
  const acked = socket.sent.length;
  feed.setFault("malformed", { count: 4 });
  clock.advance(250);
  const frames = socket.sent.slice(acked);
  assert.equal(frames.length, 5 + 4);
  const broken = frames.filter((f) => {
    if (typeof f !== "string") return true;
    try {
      const m = JSON.parse(f);
      return m.data?.lastPrice === "abc" ||
        !Array.isArray(m.data) && m.topic?.startsWith("publicTrade");
    } catch {
      return true;
    }
  });
  assert.equal(broken.length, 4);
  assert.equal(typeof broken[0], "string");
  assert.ok(broken[3] instanceof Uint8Array);
  assert.equal(
    socket.pushes("tickers.ETHUSDT").filter((p) =>
      (p.data as Record<string, string>).lastPrice !== "abc"
    ).length,
    5,
  );
  assert.equal(feed.state().malformedSent, 4);
});

Deno.test("SimWsFeed - the push timer runs only while a session is open", () => {
  const { clock, connect } = harness();
  assert.deepEqual(clock.pending(), []);
  const { session } = connect("tickers.BTCUSDT");
  assert.deepEqual(clock.pending(), [50]);
  session.dispose();
  assert.deepEqual(clock.pending(), []);
});

Deno.test("SimWsFeed - a client too far behind is dropped", () => {
  const { clock, connect } = harness();
  const { socket } = connect("tickers.BTCUSDT");
  socket.bufferedAmount = MAX_CLIENT_BACKLOG_BYTES + 1;
  clock.advance(50);
  assert.equal(socket.closed, true);
});

Deno.test("SimWsFeed - close() closes every session and refuses new ones", () => {
  const { clock, feed, connect } = harness();
  const a = connect("tickers.BTCUSDT");
  feed.close();
  assert.equal(a.socket.closed, true);
  assert.equal(connect().socket.closed, true);
  assert.deepEqual(clock.pending(), []);
  assert.equal(feed.state().subscribeRequests, 1);
});

Deno.test("SimWsFeed - rejects a bad push interval", () => {
  const market = new SimMarket({ startMs: 0 });
  assert.throws(
    () => new SimWsFeed({ market, pushIntervalMs: 0 }),
    /pushIntervalMs must be a positive integer, got 0/,
  );
});
