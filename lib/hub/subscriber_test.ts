import assert from "node:assert/strict";
import { FakeSocket } from "./test_utils.ts";
import { CloseCode } from "../protocol/close_codes.ts";
import {
  DEFAULT_SLOW_CONSUMER_POLICY,
  type DeliveryStats,
  type SlowConsumerPolicy,
  type SocketLike,
  Subscriber,
} from "./subscriber.ts";
import { preparedText as prepared } from "../protocol/prepared_frame.ts";

const POLICY: SlowConsumerPolicy = {
  highWaterBytes: 1_000,
  lowWaterBytes: 100,
  hardLimitBytes: 10_000,
  maxBehindMs: 5_000,
  maxQueuedAlerts: 3,
  recheckMs: 0,
};

function newStats(): DeliveryStats {
  return { messagesSent: 0, bytesSent: 0, conflated: 0, slowCloses: 0 };
}

function setup(policy = POLICY) {
  const socket = new FakeSocket();
  const stats = newStats();
  const subscriber = new Subscriber(
    socket,
    ["BTC-USDT", "ETH-USDT"],
    "10.0.0.1",
    stats,
    policy,
  );
  return { socket, stats, subscriber };
}

Deno.test("Subscriber - a fast socket gets every tick and is counted", () => {
  const { socket, stats, subscriber } = setup();
  assert.equal(subscriber.deliverLatest("BTC-USDT", prepared("t1"), 0), "sent");
  assert.equal(
    subscriber.deliverLatest("BTC-USDT", prepared("tick2"), 1),
    "sent",
  );
  assert.deepEqual(socket.sent, ["t1", "tick2"]);
  assert.deepEqual(stats, {
    messagesSent: 2,
    bytesSent: 7,
    conflated: 0,
    slowCloses: 0,
  });
  assert.equal(subscriber.behind, false);
});

Deno.test("Subscriber - at the high-water mark it is not yet behind", () => {
  const { socket, subscriber } = setup();
  socket.bufferedAmount = POLICY.highWaterBytes;
  assert.equal(subscriber.deliverLatest("BTC-USDT", prepared("t1"), 0), "sent");
});

Deno.test("Subscriber - conflation keeps only the latest tick per symbol", () => {
  const { socket, stats, subscriber } = setup();
  socket.bufferedAmount = POLICY.highWaterBytes + 1;
  const outcomes = ["b1", "b2", "b3"].map((t, i) =>
    subscriber.deliverLatest("BTC-USDT", prepared(t), i)
  );
  subscriber.deliverLatest("ETH-USDT", prepared("e1"), 3);
  subscriber.deliverLatest("ETH-USDT", prepared("e2"), 4);
  assert.deepEqual(outcomes, ["conflated", "conflated", "conflated"]);
  assert.deepEqual(socket.sent, []);
  assert.equal(subscriber.behind, true);
  assert.equal(stats.conflated, 5);

  socket.bufferedAmount = POLICY.lowWaterBytes - 1;
  subscriber.sweep(10);
  assert.deepEqual(socket.sent, ["b3", "e2"]);
  assert.equal(subscriber.behind, false);
});

Deno.test("Subscriber - ticks after a join's replay are queued behind it, not conflated", () => {
  const { socket, stats, subscriber } = setup();
  const replay = "r".repeat(5 * POLICY.highWaterBytes);
  assert.equal(subscriber.sendNow(prepared(replay)), true);
  socket.bufferedAmount = replay.length + 50;
  assert.equal(subscriber.deliverLatest("BTC-USDT", prepared("t1"), 0), "sent");
  assert.equal(stats.conflated, 0);
  socket.bufferedAmount = replay.length + POLICY.highWaterBytes + 1;
  assert.equal(
    subscriber.deliverLatest("BTC-USDT", prepared("t2"), 1),
    "conflated",
  );
});

Deno.test("Subscriber - once the replay has drained the plain marks apply again", () => {
  const { socket, subscriber } = setup();
  subscriber.sendNow(prepared("r".repeat(5 * POLICY.highWaterBytes)));
  socket.bufferedAmount = POLICY.highWaterBytes;
  assert.equal(subscriber.deliverLatest("BTC-USDT", prepared("t1"), 0), "sent");
  socket.bufferedAmount = POLICY.highWaterBytes + 1;
  assert.equal(
    subscriber.deliverLatest("BTC-USDT", prepared("t2"), 1),
    "conflated",
  );
});

Deno.test("Subscriber - a replay larger than the hard limit does not close the socket", () => {
  const { socket, subscriber } = setup();
  const replay = "r".repeat(2 * POLICY.hardLimitBytes);
  subscriber.sendNow(prepared(replay));
  socket.bufferedAmount = replay.length;
  assert.equal(subscriber.deliverLatest("BTC-USDT", prepared("t1"), 0), "sent");
  socket.bufferedAmount = replay.length + POLICY.hardLimitBytes + 1;
  assert.equal(
    subscriber.deliverLatest("BTC-USDT", prepared("t2"), 1),
    "closed",
  );
});

Deno.test("Subscriber - stays behind until the queue drains below low water", () => {
  const { socket, subscriber } = setup();
  socket.bufferedAmount = POLICY.highWaterBytes + 1;
  subscriber.deliverLatest("BTC-USDT", prepared("b1"), 0);
  socket.bufferedAmount = POLICY.lowWaterBytes;
  assert.equal(
    subscriber.deliverLatest("BTC-USDT", prepared("b2"), 1),
    "conflated",
  );
  subscriber.sweep(2);
  assert.deepEqual(socket.sent, []);
  socket.bufferedAmount = 0;
  assert.equal(subscriber.deliverLatest("BTC-USDT", prepared("b3"), 3), "sent");
  assert.deepEqual(socket.sent, ["b2", "b3"]);
});

Deno.test("Subscriber - closed with 1013 after staying behind past maxBehindMs", () => {
  const { socket, stats, subscriber } = setup();
  socket.bufferedAmount = POLICY.highWaterBytes + 1;
  subscriber.deliverLatest("BTC-USDT", prepared("b1"), 1_000);
  subscriber.sweep(1_000 + POLICY.maxBehindMs);
  assert.equal(subscriber.closed, false);
  subscriber.sweep(1_000 + POLICY.maxBehindMs + 1);
  assert.equal(subscriber.closed, true);
  assert.deepEqual(socket.closes.map((c) => c.code), [CloseCode.TryAgainLater]);
  assert.equal(stats.slowCloses, 1);
  assert.equal(
    subscriber.deliverLatest("BTC-USDT", prepared("b2"), 99_999),
    "closed",
  );
  assert.deepEqual(socket.sent, []);
});

Deno.test("Subscriber - a tick past maxBehindMs reports closed", () => {
  const { socket, subscriber } = setup();
  socket.bufferedAmount = POLICY.highWaterBytes + 1;
  subscriber.deliverLatest("BTC-USDT", prepared("b1"), 0);
  assert.equal(
    subscriber.deliverLatest(
      "BTC-USDT",
      prepared("b2"),
      POLICY.maxBehindMs + 1,
    ),
    "closed",
  );
  assert.equal(socket.closes[0].code, 1013);
});

Deno.test("Subscriber - over the hard limit it is closed at once with 1013", () => {
  const { socket, stats, subscriber } = setup();
  socket.bufferedAmount = POLICY.hardLimitBytes + 1;
  assert.equal(
    subscriber.deliverLatest("BTC-USDT", prepared("b1"), 0),
    "closed",
  );
  assert.deepEqual(socket.closes.map((c) => c.code), [1013]);
  assert.equal(stats.slowCloses, 1);
  assert.deepEqual(socket.sent, []);
});

Deno.test("Subscriber - alerts are never conflated and go out first on catch-up", () => {
  const { socket, subscriber } = setup();
  socket.bufferedAmount = POLICY.highWaterBytes + 1;
  subscriber.deliverLatest("BTC-USDT", prepared("b1"), 0);
  assert.equal(subscriber.deliverReliable(prepared("a1"), 1), "conflated");
  subscriber.deliverLatest("BTC-USDT", prepared("b2"), 2);
  assert.equal(subscriber.deliverReliable(prepared("a2"), 3), "conflated");
  socket.bufferedAmount = 0;
  subscriber.sweep(4);
  assert.deepEqual(socket.sent, ["a1", "a2", "b2"]);
});

Deno.test("Subscriber - an alert backlog past maxQueuedAlerts closes with 1013", () => {
  const { socket, stats, subscriber } = setup();
  socket.bufferedAmount = POLICY.highWaterBytes + 1;
  const outcomes = ["a1", "a2", "a3", "a4"].map((a, i) =>
    subscriber.deliverReliable(prepared(a), i)
  );
  assert.deepEqual(outcomes, ["conflated", "conflated", "conflated", "closed"]);
  assert.equal(socket.closes[0].code, 1013);
  assert.equal(stats.slowCloses, 1);
});

Deno.test("Subscriber - a reliable frame over the hard limit reports closed", () => {
  const { socket, subscriber } = setup();
  socket.bufferedAmount = POLICY.hardLimitBytes + 1;
  assert.equal(subscriber.deliverReliable(prepared("a1"), 0), "closed");
  assert.equal(subscriber.closed, true);
  assert.equal(socket.closes[0].code, 1013);
});

Deno.test("Subscriber - a reliable frame past maxBehindMs reports closed", () => {
  const { socket, subscriber } = setup();
  socket.bufferedAmount = POLICY.highWaterBytes + 1;
  subscriber.deliverLatest("BTC-USDT", prepared("b1"), 0);
  assert.equal(
    subscriber.deliverReliable(prepared("a1"), POLICY.maxBehindMs + 1),
    "closed",
  );
});

Deno.test("Subscriber - a send that throws marks it closed", () => {
  const { socket, stats, subscriber } = setup();
  socket.failSend = true;
  assert.equal(
    subscriber.deliverLatest("BTC-USDT", prepared("b1"), 0),
    "closed",
  );
  assert.equal(subscriber.closed, true);
  assert.equal(stats.messagesSent, 0);
  assert.equal(subscriber.sendNow(prepared("hello")), false);
});

Deno.test("Subscriber - a socket that is closing counts as closed", () => {
  const { socket, subscriber } = setup();
  socket.readyState = 2;
  assert.equal(subscriber.closed, true);
  assert.equal(
    subscriber.deliverLatest("BTC-USDT", prepared("b1"), 0),
    "closed",
  );
  assert.equal(subscriber.deliverReliable(prepared("a1"), 0), "closed");
  assert.deepEqual(socket.sent, []);
});

Deno.test("Subscriber - close is idempotent and tolerates a throwing socket", () => {
  const { socket, subscriber } = setup();
  socket.close = () => {
    throw new Error("Already closing");
  };
  subscriber.close(1001, "server shutdown");
  subscriber.close(1001, "server shutdown");
  assert.equal(subscriber.closed, true);
});

Deno.test("Subscriber - close passes the code and reason once", () => {
  const { socket, subscriber } = setup();
  subscriber.close(1001, "server shutdown");
  subscriber.close(1000, "again");
  assert.deepEqual(socket.closes, [{ code: 1001, reason: "server shutdown" }]);
});

Deno.test("Subscriber - the default policy conflates past 4 KiB and closes past 8 MiB", () => {
  assert.equal(DEFAULT_SLOW_CONSUMER_POLICY.highWaterBytes, 4 << 10);
  assert.equal(DEFAULT_SLOW_CONSUMER_POLICY.hardLimitBytes, 8 << 20);
  const socket = new FakeSocket();
  const subscriber = new Subscriber(socket, ["X"], "ip", newStats());
  socket.bufferedAmount = 4 << 10;
  assert.equal(subscriber.deliverLatest("X", prepared("x"), 0), "sent");
  socket.bufferedAmount = (4 << 10) + 1;
  assert.equal(subscriber.deliverLatest("X", prepared("x"), 1), "conflated");
  socket.bufferedAmount = (8 << 20) + 1;
  const recheck = DEFAULT_SLOW_CONSUMER_POLICY.recheckMs;
  assert.equal(
    subscriber.deliverLatest("X", prepared("x"), 1 + recheck),
    "closed",
  );
});

Deno.test("Subscriber - a socket that is behind is re-read only every recheckMs", () => {
  let reads = 0;
  let queued = POLICY.highWaterBytes + 1;
  const socket = new FakeSocket();
  Object.defineProperty(socket, "bufferedAmount", {
    get: () => (reads++, queued),
  });
  const subscriber = new Subscriber(
    socket,
    ["X"],
    "ip",
    newStats(),
    { ...POLICY, recheckMs: 20 },
  );
  assert.equal(subscriber.deliverLatest("X", prepared("x1"), 100), "conflated");
  assert.equal(reads, 1);
  queued = 0;
  assert.equal(subscriber.deliverLatest("X", prepared("x2"), 110), "conflated");
  assert.equal(subscriber.deliverLatest("X", prepared("x3"), 119), "conflated");
  subscriber.sweep(119);
  assert.equal(reads, 1);
  assert.deepEqual(socket.sent, []);
  assert.equal(subscriber.deliverLatest("X", prepared("x4"), 120), "sent");
  assert.equal(reads, 2);
  assert.deepEqual(socket.sent, ["x3", "x4"]);
});

/**
 * A double that behaves like a runtime WebSocket: its queue grows only by
 * the bytes of what is sent and shrinks by `drain`. Counts reads of
 * `bufferedAmount`.
 */
function queueingSocket() {
  const state = { buffered: 0, reads: 0, sent: [] as string[] };
  const socket: SocketLike = {
    readyState: 1,
    get bufferedAmount() {
      state.reads++;
      return state.buffered;
    },
    queueGrowsOnlyBySend: true,
    sendPrepared(frame) {
      state.sent.push(frame.text);
      state.buffered += frame.byteLength;
    },
    close() {},
  };
  return {
    socket,
    state,
    drain: (bytes: number) =>
      state.buffered = Math.max(0, state.buffered - bytes),
  };
}

Deno.test("Subscriber - a socket whose queue grows only by sends is not asked for it on every tick far under high water", () => {
  const { socket, state, drain } = queueingSocket();
  const subscriber = new Subscriber(socket, ["X"], "ip", newStats());
  const frame = "x".repeat(100);
  for (let i = 0; i < 1_000; i++) {
    assert.equal(subscriber.deliverLatest("X", prepared(frame), i), "sent");
    drain(100);
  }
  assert.equal(state.sent.length, 1_000);
  // A read per 41 sends of 100 bytes under the 4 KiB mark.
  assert.ok(state.reads <= 25, `${state.reads} reads`);
});

Deno.test("Subscriber - a socket bounded by its sends that stops draining is conflated and closed exactly as when read every tick", () => {
  const outcomes = (socket: SocketLike, drain: (bytes: number) => void) => {
    const subscriber = new Subscriber(
      socket,
      ["X"],
      "ip",
      newStats(),
      POLICY,
    );
    const seen: string[] = [];
    for (let i = 0; i < 120; i++) {
      seen.push(
        subscriber.deliverLatest("X", prepared("x".repeat(90)), i * 100),
      );
      // Drains for a while, stalls, then drains again.
      if (i < 10 || (i >= 30 && i < 40)) drain(200);
    }
    return seen;
  };
  const real = queueingSocket();
  const fake = new FakeSocket();
  fake.sendPrepared = (frame) => {
    fake.sent.push(frame.text);
    fake.bufferedAmount += frame.byteLength;
  };
  const drainFake = (bytes: number) =>
    fake.bufferedAmount = Math.max(0, fake.bufferedAmount - bytes);
  const expected = outcomes(fake, drainFake);
  assert.ok(expected.includes("conflated"));
  assert.ok(expected.includes("closed"));
  assert.deepEqual(outcomes(real.socket, real.drain), expected);
  assert.deepEqual(real.state.sent, fake.sent);
});
