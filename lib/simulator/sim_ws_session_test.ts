import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { SimWsSession } from "./sim_ws_session.ts";
import { FakeSimSocket } from "./test_utils.ts";
import { WsFaultControl } from "./ws_fault_control.ts";

function harness() {
  const clock = new FakeClock();
  const faults = new WsFaultControl();
  const counts = new Map<string, number>();
  const ended: SimWsSession[] = [];
  const socket = new FakeSimSocket();
  const session = new SimWsSession(socket, "conn-1", {
    clock,
    category: "spot",
    faults,
    lists: (symbol) => ["BTCUSDT", "ETHUSDT"].includes(symbol),
    subscribed: (t) => counts.set(t, (counts.get(t) ?? 0) + 1),
    unsubscribed: (t) => counts.set(t, (counts.get(t) ?? 0) - 1),
    ended: (s) => ended.push(s),
  });
  const request = (body: unknown) => session.receive(JSON.stringify(body));
  return { clock, faults, counts, ended, socket, session, request };
}

Deno.test("SimWsSession - subscribe is acked as Bybit does and the topics are followed", () => {
  const { socket, session, counts, request } = harness();
  request({
    req_id: "1",
    op: "subscribe",
    args: ["tickers.BTCUSDT", "publicTrade.BTCUSDT"],
  });
  assert.deepEqual(socket.acks(), [{
    success: true,
    ret_msg: "subscribe",
    conn_id: "conn-1",
    req_id: "1",
    op: "subscribe",
    simulator: true,
  }]);
  assert.deepEqual([...session.topics], [
    "tickers.BTCUSDT",
    "publicTrade.BTCUSDT",
  ]);
  assert.equal(counts.get("tickers.BTCUSDT"), 1);
  assert.equal(session.subscribeRequests, 1);
});

Deno.test("SimWsSession - more than 10 args is refused whole, with Bybit's message", () => {
  const { socket, session, request } = harness();
  const args = Array.from({ length: 11 }, () => "tickers.BTCUSDT");
  request({ req_id: "2", op: "subscribe", args });
  const [ack] = socket.acks();
  assert.equal(ack.success, false);
  assert.equal(ack.ret_msg, "args size >10");
  assert.equal(ack.req_id, "2");
  assert.equal(session.topics.size, 0);
});

Deno.test("SimWsSession - bad topics are named in the failure; good ones in the request still apply", () => {
  const { socket, session, request } = harness();
  request({
    op: "subscribe",
    args: ["tickers.BTCUSDT", "tickers.NOPEUSDT", "publicTrade.FOO"],
  });
  request({ op: "subscribe", args: ["kline.1.BTCUSDT"] });
  request({ op: "subscribe", args: ["tickers.BTCUSDT"] });
  assert.deepEqual(socket.acks().map((a) => [a.success, a.ret_msg]), [
    [false, "Invalid symbol :[tickers.NOPEUSDT,publicTrade.FOO]"],
    [false, "error:handler not found,topic:kline.1.BTCUSDT"],
    [false, "error:already subscribed,topic:tickers.BTCUSDT"],
  ]);
  assert.deepEqual([...session.topics], ["tickers.BTCUSDT"]);
});

Deno.test("SimWsSession - ping gets a pong echoing req_id; junk gets an error, never a crash", () => {
  const { socket, session, request } = harness();
  request({ req_id: "p1", op: "ping" });
  session.receive("{not json");
  session.receive(new ArrayBuffer(4));
  request({ op: "auth", args: [] });
  assert.deepEqual(
    socket.acks().map((a) => [a.op, a.success, a.ret_msg, a.req_id]),
    [
      ["ping", true, "pong", "p1"],
      ["", false, "error:invalid request", undefined],
      ["", false, "error:invalid request", undefined],
      ["auth", false, "error:unsupported op auth", undefined],
    ],
  );
});

Deno.test("SimWsSession - unsubscribe stops following and is acked", () => {
  const { socket, session, counts, request } = harness();
  request({ op: "subscribe", args: ["tickers.BTCUSDT", "tickers.ETHUSDT"] });
  request({ req_id: "u", op: "unsubscribe", args: ["tickers.BTCUSDT"] });
  assert.deepEqual([...session.topics], ["tickers.ETHUSDT"]);
  assert.equal(counts.get("tickers.BTCUSDT"), 0);
  assert.equal(socket.acks()[1].op, "unsubscribe");
  assert.equal(socket.acks()[1].success, true);
});

Deno.test("SimWsSession - the refuse fault answers success:false and subscribes nothing", () => {
  const { socket, session, faults, request } = harness();
  faults.set({ kind: "refuse" }, { count: 1 });
  request({ op: "subscribe", args: ["tickers.BTCUSDT"] });
  request({ op: "subscribe", args: ["tickers.BTCUSDT"] });
  assert.deepEqual(socket.acks().map((a) => a.success), [false, true]);
  assert.match(String(socket.acks()[0].ret_msg), /refused/);
  assert.equal(session.topics.size, 1);
});

Deno.test("SimWsSession - ack-delay subscribes at once and acks later", () => {
  const { socket, session, faults, clock, request } = harness();
  faults.set({ kind: "ack-delay", ms: 300 });
  request({ op: "subscribe", args: ["tickers.BTCUSDT"] });
  assert.equal(session.topics.size, 1);
  assert.equal(socket.acks().length, 0);
  clock.advance(299);
  assert.equal(socket.acks().length, 0);
  clock.advance(1);
  assert.equal(socket.acks().length, 1);
});

Deno.test("SimWsSession - closing releases topics and pending ack timers", () => {
  const { socket, session, faults, clock, counts, ended, request } = harness();
  faults.set({ kind: "ack-delay", ms: 300 });
  request({ op: "subscribe", args: ["tickers.BTCUSDT"] });
  session.close();
  assert.equal(socket.closed, true);
  assert.deepEqual(clock.pending(), []);
  assert.equal(counts.get("tickers.BTCUSDT"), 0);
  assert.deepEqual(ended, [session]);
  session.dispose();
  assert.equal(ended.length, 1);
});

Deno.test("SimWsSession - a silenced session sends nothing, not even pongs", () => {
  const { socket, session, request } = harness();
  session.silence();
  request({ op: "ping" });
  request({ op: "subscribe", args: ["tickers.BTCUSDT"] });
  assert.equal(socket.sent.length, 0);
  assert.equal(session.send("x"), false);
  assert.equal(session.topics.size, 1);
});
