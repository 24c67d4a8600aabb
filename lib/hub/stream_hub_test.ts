import assert from "node:assert/strict";
import { analyzedTick, FakeSocket, TimedSocket } from "./test_utils.ts";
import { CloseCode } from "../protocol/close_codes.ts";
import type {
  AlertFrame,
  BatchFrame,
  ResetFrame,
  StatusFrame,
  TickFrame,
} from "../protocol/frames.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { StreamHub, type StreamHubOptions } from "./stream_hub.ts";
import { DEFAULT_SLOW_CONSUMER_POLICY } from "./subscriber.ts";
import { tickData } from "./tick_codec.ts";

const SYMBOLS = ["BTC-USDT", "ETH-USDT", "SOL-USDT"];

const tick = analyzedTick;

function setup(options: Partial<StreamHubOptions> = {}) {
  const clock = new FakeClock(1_700_000_000_000);
  const hub = new StreamHub({
    symbols: SYMBOLS,
    historySize: 5,
    epoch: "epoch-1",
    clock,
    ...options,
  });
  return {
    hub,
    advance: (ms: number) => clock.advance(ms),
    now: () => clock.now(),
  };
}

function publish(hub: StreamHub, symbol: string, count: number): void {
  for (let i = 0; i < count; i++) hub.publishTicks([tick(symbol, 100 + i)]);
}

const STATUS: StatusFrame = {
  type: "status",
  upstream: "online",
  simulated: true,
  last_success: 1_700_000_000_000,
};

Deno.test("StreamHub - join sends hello, status, history, then live ticks without gap or duplicate", () => {
  const { hub, now } = setup();
  hub.simulated = true;
  publish(hub, "BTC-USDT", 3);
  hub.publishStatus(STATUS);
  const socket = new FakeSocket();
  hub.join(socket, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  publish(hub, "BTC-USDT", 2);

  const frames = socket.frames();
  assert.deepEqual(frames.map((f) => f.type), [
    "hello",
    "status",
    "batch",
    "tick",
    "tick",
  ]);
  assert.deepEqual(frames[0], {
    type: "hello",
    epoch: "epoch-1",
    symbols: ["BTC-USDT"],
    server_time: now(),
    simulated: true,
  });
  assert.deepEqual(frames[1], STATUS);
  assert.deepEqual(
    (frames[2] as BatchFrame).frames,
    hub.history("BTC-USDT").slice(0, 3),
  );
  assert.deepEqual(socket.seqs("BTC-USDT"), [1, 2, 3, 4, 5]);
});

Deno.test("StreamHub - join before any data sends only hello", () => {
  const { hub } = setup();
  const socket = new FakeSocket();
  hub.join(socket, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  assert.deepEqual(socket.frames().map((f) => f.type), ["hello"]);
});

Deno.test("StreamHub - the history replay is bounded by historySize", () => {
  const { hub } = setup();
  publish(hub, "BTC-USDT", 12);
  const socket = new FakeSocket();
  hub.join(socket, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  assert.deepEqual(socket.seqs("BTC-USDT"), [8, 9, 10, 11, 12]);
});

Deno.test("StreamHub - resume with since sends exactly the missed ticks", () => {
  const { hub } = setup();
  publish(hub, "BTC-USDT", 5);
  const socket = new FakeSocket();
  hub.join(socket, {
    symbols: ["BTC-USDT"],
    since: new Map([["BTC-USDT", 3]]),
    epoch: "epoch-1",
    ip: "1.1.1.1",
  });
  publish(hub, "BTC-USDT", 1);
  assert.deepEqual(socket.seqs("BTC-USDT"), [4, 5, 6]);
  assert.equal(socket.frames().some((f) => f.type === "reset"), false);
});

Deno.test("StreamHub - resume when up to date sends no replay", () => {
  const { hub } = setup();
  publish(hub, "BTC-USDT", 5);
  const socket = new FakeSocket();
  hub.join(socket, {
    symbols: ["BTC-USDT"],
    since: new Map([["BTC-USDT", 5]]),
    epoch: "epoch-1",
    ip: "1.1.1.1",
  });
  assert.deepEqual(socket.frames().map((f) => f.type), ["hello"]);
});

for (
  const [reason, since, epoch] of [
    ["too-old", 2, "epoch-1"],
    ["epoch-changed", 9, "epoch-0"],
    ["ahead", 99, "epoch-1"],
  ] as const
) {
  Deno.test(`StreamHub - resume that is ${reason} gets a reset and the latest snapshot`, () => {
    const { hub } = setup();
    publish(hub, "BTC-USDT", 10);
    const socket = new FakeSocket();
    hub.join(socket, {
      symbols: ["BTC-USDT"],
      since: new Map([["BTC-USDT", since]]),
      epoch,
      ip: "1.1.1.1",
    });
    publish(hub, "BTC-USDT", 1);
    const frames = socket.frames();
    assert.deepEqual(frames.map((f) => f.type), [
      "hello",
      "reset",
      "tick",
      "tick",
    ]);
    assert.deepEqual(frames[1] as ResetFrame, {
      type: "reset",
      symbol: "BTC-USDT",
      epoch: "epoch-1",
      seq: 10,
      reason,
    });
    assert.deepEqual(socket.seqs("BTC-USDT"), [10, 11]);
  });
}

Deno.test("StreamHub - a reset on an empty channel sends no snapshot", () => {
  const { hub } = setup();
  const socket = new FakeSocket();
  hub.join(socket, {
    symbols: ["BTC-USDT"],
    since: new Map([["BTC-USDT", 4]]),
    ip: "1.1.1.1",
  });
  assert.deepEqual(socket.frames().map((f) => f.type), ["hello", "reset"]);
});

Deno.test("StreamHub - a multiplexed join replays and streams each symbol", () => {
  const { hub } = setup();
  publish(hub, "BTC-USDT", 2);
  publish(hub, "ETH-USDT", 3);
  publish(hub, "SOL-USDT", 1);
  const socket = new FakeSocket();
  hub.join(socket, {
    symbols: ["ETH-USDT", "BTC-USDT"],
    since: new Map([["ETH-USDT", 2]]),
    epoch: "epoch-1",
    ip: "1.1.1.1",
  });
  hub.publishTicks([tick("BTC-USDT"), tick("SOL-USDT"), tick("ETH-USDT")]);
  const batches = socket.frames().filter((f): f is BatchFrame =>
    f.type === "batch"
  );
  assert.deepEqual(batches.map((b) => b.symbol), ["ETH-USDT", "BTC-USDT"]);
  assert.deepEqual(socket.seqs("ETH-USDT"), [3, 4]);
  assert.deepEqual(socket.seqs("BTC-USDT"), [1, 2, 3]);
  assert.deepEqual(socket.seqs("SOL-USDT"), []);
});

Deno.test("StreamHub - each tick is encoded once and the same text goes to everyone", () => {
  const { hub } = setup();
  const a = new FakeSocket();
  const b = new FakeSocket();
  hub.join(a, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  hub.join(b, { symbols: ["BTC-USDT", "ETH-USDT"], ip: "2.2.2.2" });
  publish(hub, "BTC-USDT", 1);
  assert.equal(a.sent.at(-1), b.sent.at(-1));
  assert.deepEqual(JSON.parse(a.sent.at(-1)!), hub.latest("BTC-USDT"));
  assert.equal(hub.stats.messagesSent, 4);
});

Deno.test("StreamHub - room counts follow joins and detaches", () => {
  const { hub } = setup();
  const detachA = hub.join(new FakeSocket(), {
    symbols: ["BTC-USDT"],
    ip: "1.1.1.1",
  });
  hub.join(new FakeSocket(), { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  hub.join(new FakeSocket(), {
    symbols: ["BTC-USDT", "ETH-USDT"],
    ip: "2.2.2.2",
  });
  assert.deepEqual(hub.roomCounts(), {
    "BTC-USDT": 3,
    "ETH-USDT": 1,
    "SOL-USDT": 0,
  });
  assert.equal(hub.activeSubscribers, 3);
  detachA();
  detachA();
  assert.deepEqual(hub.roomCounts()["BTC-USDT"], 2);
  assert.equal(hub.activeSubscribers, 2);
  assert.equal(hub.subscribersOpened, 3);
});

Deno.test("StreamHub - a socket whose send throws is removed, the others go on", () => {
  const { hub } = setup();
  const broken = new FakeSocket();
  const healthy = new FakeSocket();
  hub.join(broken, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  hub.join(healthy, { symbols: ["BTC-USDT"], ip: "2.2.2.2" });
  broken.failSend = true;
  publish(hub, "BTC-USDT", 2);
  assert.equal(hub.activeSubscribers, 1);
  assert.equal(hub.roomCounts()["BTC-USDT"], 1);
  assert.deepEqual(healthy.seqs("BTC-USDT"), [1, 2]);
});

Deno.test("StreamHub - a socket that fails during join is never registered", () => {
  const { hub } = setup();
  const broken = new FakeSocket();
  broken.failSend = true;
  hub.join(broken, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  assert.equal(hub.activeSubscribers, 0);
  assert.equal(hub.roomCounts()["BTC-USDT"], 0);
  assert.equal(hub.subscribersOpened, 0);
});

Deno.test("StreamHub - a closed socket is dropped on the next broadcast", () => {
  const { hub } = setup();
  const socket = new FakeSocket();
  hub.join(socket, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  socket.readyState = 3;
  publish(hub, "BTC-USDT", 1);
  assert.equal(hub.activeSubscribers, 0);
  assert.deepEqual(socket.seqs("BTC-USDT"), []);
});

Deno.test("StreamHub - a slow subscriber is conflated without delaying a fast one", () => {
  const { hub, advance } = setup({
    policy: { highWaterBytes: 1_000, lowWaterBytes: 100, maxBehindMs: 5_000 },
  });
  const slow = new FakeSocket();
  const fast = new FakeSocket();
  hub.join(slow, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  hub.join(fast, { symbols: ["BTC-USDT"], ip: "2.2.2.2" });
  slow.bufferedAmount = 5_000;
  publish(hub, "BTC-USDT", 4);
  assert.deepEqual(fast.seqs("BTC-USDT"), [1, 2, 3, 4]);
  assert.deepEqual(slow.seqs("BTC-USDT"), []);
  assert.equal(hub.stats.conflated, 4);

  slow.bufferedAmount = 0;
  hub.sweep();
  assert.deepEqual(slow.seqs("BTC-USDT"), [], "re-read only after recheckMs");
  advance(DEFAULT_SLOW_CONSUMER_POLICY.recheckMs);
  hub.sweep();
  assert.deepEqual(slow.seqs("BTC-USDT"), [4]);
});

Deno.test("StreamHub - sweep closes a subscriber behind too long with 1013", () => {
  const { hub, advance } = setup({
    policy: { highWaterBytes: 1_000, lowWaterBytes: 100, maxBehindMs: 5_000 },
  });
  const slow = new FakeSocket();
  hub.join(slow, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  slow.bufferedAmount = 5_000;
  publish(hub, "BTC-USDT", 1);
  advance(5_001);
  hub.sweep();
  assert.deepEqual(slow.closes.map((c) => c.code), [CloseCode.TryAgainLater]);
  assert.equal(hub.activeSubscribers, 0);
  assert.equal(hub.stats.slowCloses, 1);
});

Deno.test("StreamHub - alerts reach only their symbol's room", () => {
  const { hub } = setup();
  const btc = new FakeSocket();
  const eth = new FakeSocket();
  hub.join(btc, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  hub.join(eth, { symbols: ["ETH-USDT"], ip: "2.2.2.2" });
  const alert: AlertFrame = {
    type: "alert",
    id: "0001",
    time: "2024-01-01T00:00:00.000Z",
    symbol: "BTC-USDT",
    kind: "threshold_crossing",
    price: 42_000,
    notional: 60_000_000,
    threshold: 50_000_000,
    source: "rest",
  };
  hub.publishAlert(alert);
  hub.publishAlert({ ...alert, symbol: "DOGE-USDT" });
  assert.deepEqual(btc.frames().at(-1), alert);
  assert.equal(eth.frames().some((f) => f.type === "alert"), false);
});

Deno.test("StreamHub - status goes to everyone and joiners get the latest", () => {
  const { hub } = setup();
  const early = new FakeSocket();
  hub.join(early, { symbols: ["SOL-USDT"], ip: "1.1.1.1" });
  hub.publishStatus({ ...STATUS, upstream: "degraded" });
  hub.publishStatus(STATUS);
  const late = new FakeSocket();
  hub.join(late, { symbols: ["BTC-USDT"], ip: "2.2.2.2" });
  const upstreams = (s: FakeSocket) =>
    s.frames().flatMap((f) => f.type === "status" ? [f.upstream] : []);
  assert.deepEqual(upstreams(early), ["degraded", "online"]);
  assert.deepEqual(upstreams(late), ["online"]);
});

Deno.test("StreamHub - heartbeat reaches every socket", () => {
  const { hub, now } = setup();
  const a = new FakeSocket();
  const b = new FakeSocket();
  hub.join(a, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  hub.join(b, { symbols: ["ETH-USDT"], ip: "2.2.2.2" });
  hub.heartbeat(15_000);
  for (const socket of [a, b]) {
    assert.deepEqual(socket.frames().at(-1), {
      type: "heartbeat",
      server_time: now(),
      interval_ms: 15_000,
    });
  }
});

Deno.test("StreamHub - ticks of unknown symbols are ignored", () => {
  const { hub } = setup();
  hub.publishTicks([tick("DOGE-USDT"), tick("BTC-USDT")]);
  assert.equal(hub.ticksPublished, 1);
  assert.equal(hub.latest("DOGE-USDT"), undefined);
  assert.deepEqual(hub.history("DOGE-USDT"), []);
});

Deno.test("StreamHub - ticks carry per-symbol seq and the hub's time", () => {
  const { hub, now } = setup();
  hub.publishTicks([tick("BTC-USDT"), tick("ETH-USDT"), tick("BTC-USDT")]);
  const latest = hub.latest("BTC-USDT") as TickFrame;
  assert.equal(latest.seq, 2);
  assert.equal(latest.ts, now());
  assert.equal(hub.latest("ETH-USDT")?.seq, 1);
  assert.equal(hub.ticksPublished, 3);
});

Deno.test("StreamHub - closeAll closes every socket with 1001", () => {
  const { hub } = setup();
  const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
  for (const socket of sockets) {
    hub.join(socket, { symbols: ["BTC-USDT", "ETH-USDT"], ip: "1.1.1.1" });
  }
  hub.closeAll();
  assert.deepEqual(sockets.map((s) => s.closes.map((c) => c.code)), [[1001], [
    1001,
  ], [1001]]);
  assert.equal(hub.activeSubscribers, 0);
  assert.deepEqual(hub.roomCounts(), {
    "BTC-USDT": 0,
    "ETH-USDT": 0,
    "SOL-USDT": 0,
  });
});

Deno.test("StreamHub - a snapshot restores epoch and seq for a gapless resume", () => {
  const first = setup();
  publish(first.hub, "BTC-USDT", 7);
  publish(first.hub, "ETH-USDT", 2);
  const snapshot = structuredClone(first.hub.snapshot());

  const second = new StreamHub(
    { symbols: SYMBOLS, historySize: 5, clock: new FakeClock(1) },
    snapshot,
  );
  assert.equal(second.epoch, "epoch-1");
  const socket = new FakeSocket();
  second.join(socket, {
    symbols: ["BTC-USDT", "ETH-USDT"],
    since: new Map([["BTC-USDT", 4], ["ETH-USDT", 2]]),
    epoch: "epoch-1",
    ip: "1.1.1.1",
  });
  second.publishTicks([tick("BTC-USDT"), tick("ETH-USDT")]);
  assert.deepEqual(socket.seqs("BTC-USDT"), [5, 6, 7, 8]);
  assert.deepEqual(socket.seqs("ETH-USDT"), [3]);
  assert.equal(socket.frames().some((f) => f.type === "reset"), false);
});

Deno.test("StreamHub - without a snapshot the epoch is new", () => {
  const a = new StreamHub({ symbols: SYMBOLS, historySize: 5 });
  const b = new StreamHub({ symbols: SYMBOLS, historySize: 5 });
  assert.notEqual(a.epoch, b.epoch);
  assert.deepEqual(a.symbols, SYMBOLS);
});

Deno.test("StreamHub - a socket that is behind keeps only the newest heartbeat and status", () => {
  const { hub, advance } = setup({
    policy: {
      highWaterBytes: 1_000,
      lowWaterBytes: 100,
      maxBehindMs: 60_000,
      maxQueuedAlerts: 2,
    },
  });
  const slow = new FakeSocket();
  hub.join(slow, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  slow.bufferedAmount = 5_000;
  for (let i = 0; i < 5; i++) {
    hub.heartbeat(15_000);
    hub.publishStatus({
      type: "status",
      upstream: i % 2 ? "online" : "degraded",
      simulated: false,
      last_success: i,
    });
  }
  assert.equal(slow.closes.length, 0, "not closed as an alert backlog");
  const sentBefore = slow.sent.length;
  slow.bufferedAmount = 0;
  advance(DEFAULT_SLOW_CONSUMER_POLICY.recheckMs);
  hub.sweep();
  const flushed = slow.frames().slice(sentBefore);
  assert.deepEqual(flushed.map((f) => f.type).sort(), ["heartbeat", "status"]);
  const status = flushed.find((f): f is StatusFrame => f.type === "status");
  assert.equal(status?.last_success, 4);
});

Deno.test("StreamHub - a join with history=0 gets live ticks only", () => {
  const { hub } = setup();
  publish(hub, "BTC-USDT", 3);
  const live = new FakeSocket();
  hub.join(live, { symbols: ["BTC-USDT"], ip: "1.1.1.1", historyLimit: 0 });
  assert.equal(live.frames().some((f) => f.type === "batch"), false);
  publish(hub, "BTC-USDT", 1);
  assert.deepEqual(live.seqs("BTC-USDT"), [4]);
});

Deno.test("StreamHub - with a broadcast interval a symbol goes out at most once per interval, newest first", () => {
  const { hub, advance } = setup();
  const a = new FakeSocket();
  const b = new FakeSocket();
  hub.join(a, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  hub.join(b, { symbols: ["BTC-USDT"], ip: "2.2.2.2" });
  hub.fanoutIntervalMs = 100;
  publish(hub, "BTC-USDT", 1);
  advance(10);
  publish(hub, "BTC-USDT", 1);
  advance(10);
  publish(hub, "BTC-USDT", 1);
  hub.flushHeld();
  assert.deepEqual(a.seqs("BTC-USDT"), [1], "held within the interval");
  assert.equal(hub.stats.conflated, 2, "seq 2 replaced for both sockets");
  advance(80);
  hub.flushHeld();
  assert.deepEqual(a.seqs("BTC-USDT"), [1, 3]);
  assert.deepEqual(b.seqs("BTC-USDT"), [1, 3]);
  assert.deepEqual(hub.history("BTC-USDT").map((t) => t.seq), [1, 2, 3]);
  advance(100);
  publish(hub, "BTC-USDT", 1);
  assert.deepEqual(a.seqs("BTC-USDT"), [1, 3, 4], "after the interval at once");
});

Deno.test("StreamHub - a socket joining while a tick is held gets it once", () => {
  const { hub, advance } = setup();
  hub.fanoutIntervalMs = 100;
  publish(hub, "BTC-USDT", 2);
  const withHistory = new FakeSocket();
  const liveOnly = new FakeSocket();
  hub.join(withHistory, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  hub.join(liveOnly, {
    symbols: ["BTC-USDT"],
    ip: "2.2.2.2",
    historyLimit: 0,
  });
  advance(100);
  hub.flushHeld();
  assert.deepEqual(withHistory.seqs("BTC-USDT"), [1, 2]);
  assert.deepEqual(liveOnly.seqs("BTC-USDT"), [2]);
});

Deno.test("StreamHub - ending the interval sends what is held at once", () => {
  const { hub } = setup();
  const socket = new FakeSocket();
  hub.join(socket, { symbols: ["BTC-USDT", "ETH-USDT"], ip: "1.1.1.1" });
  hub.fanoutIntervalMs = 500;
  publish(hub, "BTC-USDT", 2);
  publish(hub, "ETH-USDT", 2);
  assert.deepEqual(socket.seqs("BTC-USDT"), [1]);
  hub.fanoutIntervalMs = 0;
  assert.deepEqual(socket.seqs("BTC-USDT"), [1, 2]);
  assert.deepEqual(socket.seqs("ETH-USDT"), [1, 2]);
  assert.equal(hub.stats.conflated, 0);
});

Deno.test("StreamHub - an overview socket gets hello, then one market frame per cycle with what changed", () => {
  const { hub } = setup();
  publish(hub, "BTC-USDT", 1);
  publish(hub, "ETH-USDT", 1);
  const socket = new FakeSocket();
  hub.join(socket, { symbols: [], ip: "1.1.1.1", market: true });
  assert.deepEqual(socket.frames().map((f) => f.type), ["hello"]);
  const hello = socket.frames()[0];
  assert.ok(hello.type === "hello" && hello.symbols.length === 3);
  hub.publishMarket();
  const first = socket.frames().at(-1)!;
  assert.ok(first.type === "market");
  assert.deepEqual(first.items.map((i) => i.symbol), ["BTC-USDT", "ETH-USDT"]);
  publish(hub, "ETH-USDT", 5);
  hub.publishMarket();
  const second = socket.frames().at(-1)!;
  assert.ok(second.type === "market");
  assert.deepEqual(second.items.map((i) => [i.symbol, i.price]), [
    ["ETH-USDT", 104],
  ]);
  hub.publishMarket();
  assert.equal(socket.frames().length, 3, "nothing changed: no frame");
  assert.equal(hub.marketSubscribers, 1);
  assert.equal(hub.roomCounts()["BTC-USDT"], 0, "not in any symbol's room");
  // Alerts reach overview sockets too.
  hub.publishAlert({
    type: "alert",
    id: "a1",
    time: "2023-11-14T22:13:20.000Z",
    symbol: "SOL-USDT",
    kind: "whale_trade",
    price: 1,
    notional: 1,
    threshold: 1,
    source: "simulator",
  });
  assert.equal(socket.frames().at(-1)!.type, "alert");
});

Deno.test("StreamHub - an overview socket that fell behind gets the full view once it catches up", () => {
  const { hub, advance } = setup();
  publish(hub, "BTC-USDT", 1);
  publish(hub, "ETH-USDT", 1);
  const socket = new FakeSocket();
  hub.join(socket, { symbols: [], ip: "1.1.1.1", market: true });
  hub.publishMarket();
  socket.bufferedAmount = 1 << 20;
  publish(hub, "ETH-USDT", 2);
  hub.publishMarket();
  publish(hub, "BTC-USDT", 2);
  advance(DEFAULT_SLOW_CONSUMER_POLICY.recheckMs);
  hub.publishMarket();
  socket.bufferedAmount = 0;
  advance(DEFAULT_SLOW_CONSUMER_POLICY.recheckMs);
  hub.sweep();
  hub.publishMarket();
  const last = socket.frames().at(-1)!;
  assert.ok(last.type === "market");
  assert.deepEqual(last.items.map((i) => i.symbol).sort(), [
    "BTC-USDT",
    "ETH-USDT",
  ]);
});

Deno.test("StreamHub - symbols added and removed at runtime; others untouched", () => {
  const { hub } = setup();
  publish(hub, "BTC-USDT", 2);
  const socket = new FakeSocket();
  hub.join(socket, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  hub.addSymbols(["XRP-USDT", "BTC-USDT"]);
  assert.deepEqual(hub.symbols, [
    "BTC-USDT",
    "ETH-USDT",
    "SOL-USDT",
    "XRP-USDT",
  ]);
  publish(hub, "XRP-USDT", 1);
  assert.equal(hub.latest("XRP-USDT")?.seq, 1);
  publish(hub, "BTC-USDT", 1);
  assert.deepEqual(socket.seqs("BTC-USDT"), [1, 2, 3], "no gap, no reset");
  hub.removeSymbols(["ETH-USDT"]);
  assert.equal(hub.latest("ETH-USDT"), undefined);
  assert.equal(hub.roomCounts()["ETH-USDT"], undefined);
  publish(hub, "ETH-USDT", 1);
  assert.equal(hub.ticksPublished, 4, "ticks of a removed symbol are ignored");
});

Deno.test("StreamHub - a symbol that appears later gets its saved history back", () => {
  const { hub } = setup();
  publish(hub, "SOL-USDT", 3);
  const saved = hub.snapshot();
  const next = new StreamHub(
    { symbols: ["BTC-USDT"], historySize: 5, clock: new FakeClock() },
    saved,
  );
  assert.equal(next.latest("SOL-USDT"), undefined);
  next.addSymbols(["SOL-USDT"]);
  assert.equal(next.latest("SOL-USDT")?.seq, 3);
  assert.equal(next.epoch, saved.epoch);
});

Deno.test("StreamHub - latestTs and the overview read published ticks as their stored frames", () => {
  const { hub, advance } = setup();
  assert.equal(hub.latestTs("BTC-USDT"), undefined);
  hub.publishTicks([tick("BTC-USDT", 64_000.123456), tick("ETH-USDT", 3_000)]);
  advance(5);
  hub.publishTicks([tick("BTC-USDT", 64_001)]);
  assert.equal(hub.latestTs("BTC-USDT"), hub.latest("BTC-USDT")!.ts);
  hub.publishMarket();
  const stored = new StreamHub({
    symbols: SYMBOLS,
    historySize: 5,
    epoch: "epoch-1",
  });
  for (const symbol of ["BTC-USDT", "ETH-USDT"]) {
    for (const frame of hub.history(symbol)) {
      stored.applyTick(symbol, frame.seq, tickData(frame, frame.ts));
    }
  }
  stored.publishMarket();
  assert.deepEqual(hub.marketItems(), stored.marketItems());
  assert.equal(hub.marketItems()[0].price, 64_001);
});

Deno.test("StreamHub - historyChars is shared equally by the symbols' histories; a listing change shares it again", () => {
  const { hub } = setup({ historySize: 100, historyChars: 3 * 2_000 });
  for (const symbol of SYMBOLS) publish(hub, symbol, 100);
  const size = tickData(tick("BTC-USDT", 100), 1_700_000_000_000).length;
  const held = () => hub.history("BTC-USDT").length;
  // 2,000 characters each, whatever the count allows.
  assert.ok(held() <= Math.floor(2_000 / size), `${held()} of ${size} chars`);
  assert.ok(held() >= Math.floor(2_000 / size) - 1);
  hub.removeSymbols(["SOL-USDT", "ETH-USDT"]);
  publish(hub, "BTC-USDT", 100);
  assert.ok(held() >= Math.floor(6_000 / size) - 1, "one symbol: all of it");
  hub.addSymbols(["A-USDT", "B-USDT"]);
  assert.ok(held() <= Math.floor(2_000 / size), "shared again at once");
  const unbounded = setup({ historySize: 100 }).hub;
  publish(unbounded, "BTC-USDT", 150);
  assert.equal(unbounded.history("BTC-USDT").length, 100, "by count alone");
});

Deno.test("StreamHub - a batch is stamped once: a later symbol carries the broadcasts before it", () => {
  const { hub, advance, now } = setup();
  // A broadcast that takes 5 ms: each send moves the clock on.
  const slow = new TimedSocket(() => advance(5));
  const eth = new FakeSocket();
  hub.join(slow, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  hub.join(eth, { symbols: ["ETH-USDT"], ip: "1.1.1.2" });
  const start = now();
  hub.publishTicks([tick("BTC-USDT"), tick("ETH-USDT")]);
  const stamps = (socket: FakeSocket) =>
    socket.frames().flatMap((f) => f.type === "tick" ? [f.ts] : []);
  assert.deepEqual(stamps(slow), [start]);
  assert.deepEqual(stamps(eth), [start]);
  assert.equal(now(), start + 5, "the first broadcast took 5 ms");
});
