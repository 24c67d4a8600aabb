import assert from "node:assert/strict";
import type { AlertHandover } from "../alerts/alert_handover.ts";
import { KvEngine } from "../engine/kv_engine.ts";
import { MemoryEngine } from "../engine/memory_engine.ts";
import type { StreamEngine } from "../engine/stream_engine.ts";
import { analyzedTick, FakeSocket, TimedSocket } from "../hub/test_utils.ts";
import { StreamHub } from "../hub/stream_hub.ts";
import { createLogger } from "../observability/logger.ts";
import type { AlertFrame } from "../protocol/frames.ts";
import { waitUntil } from "../engine/engine_conformance.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { EngineLink, type ThresholdAnnouncement } from "./engine_link.ts";

const SYMBOLS = ["BTC-USDT", "ETH-USDT"];
const ALERT: AlertFrame = {
  type: "alert",
  id: "00lq2x3k4m-0000",
  time: "2024-01-02T03:04:05.006Z",
  symbol: "BTC-USDT",
  kind: "whale_trade",
  price: 1,
  notional: 2,
  threshold: 1,
  source: "simulator",
};

function instance(engine: StreamEngine, leaseMs = 5_000, clock?: FakeClock) {
  const hub = new StreamHub({ symbols: SYMBOLS, historySize: 50, clock });
  const alerts: AlertFrame[] = [];
  const announcements: ThresholdAnnouncement[] = [];
  const roles: string[] = [];
  const adopted: AlertHandover[] = [];
  const derived: string[] = [];
  let priceAlertChanges = 0;
  const link = new EngineLink({
    engine,
    hub,
    leaseMs,
    clock,
    logger: createLogger({ write: () => {} }),
    onAlert: (alert) => alerts.push(alert),
    onThresholds: (a) => announcements.push(a),
    onPriceAlerts: () => priceAlertChanges++,
    onDerived: (data) => derived.push(data),
    onRole: (role) => roles.push(role),
    handover: {
      save: (now) => ({ savedAt: now, symbols: {}, seenTrades: ["S:1"] }),
      adopt: (state) => adopted.push(state),
    },
  });
  return {
    hub,
    link,
    alerts,
    announcements,
    roles,
    adopted,
    derived,
    priceAlertChanges: () => priceAlertChanges,
  };
}

Deno.test("EngineLink - a batch is stamped once, when it begins to go out: a later symbol carries the broadcasts before it", async () => {
  const clock = new FakeClock();
  const { hub, link } = instance(
    new MemoryEngine({ historySize: 50 }),
    5_000,
    clock,
  );
  await link.start();
  // A broadcast that takes 5 ms: each send moves the clock on.
  const slow = new TimedSocket(() => clock.advance(5));
  const eth = new FakeSocket();
  hub.join(slow, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  hub.join(eth, { symbols: ["ETH-USDT"], ip: "1.1.1.2" });
  const start = clock.now();
  link.publishTicks([
    analyzedTick("BTC-USDT", 1),
    analyzedTick("ETH-USDT", 2),
  ]);
  const ts = (socket: FakeSocket) =>
    socket.frames().flatMap((f) => f.type === "tick" ? [f.ts] : []);
  assert.deepEqual(ts(slow), [start]);
  assert.deepEqual(ts(eth), [start]);
  assert.equal(clock.now(), start + 5, "the first broadcast took 5 ms");
  await link.stop();
});

Deno.test("EngineLink - with the memory engine it leads at once and ticks reach sockets synchronously", async () => {
  const one = instance(new MemoryEngine({ historySize: 50 }));
  await one.link.start();
  assert.deepEqual(one.roles, ["leader"]);
  const socket = new FakeSocket();
  one.hub.join(socket, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  one.link.publishTicks([
    analyzedTick("BTC-USDT", 1),
    analyzedTick("ETH-USDT", 2),
  ]);
  assert.deepEqual(socket.seqs("BTC-USDT"), [1]);
  assert.equal(await one.link.deliverAlert("k", ALERT), true);
  assert.equal(await one.link.deliverAlert("k", ALERT), true);
  assert.deepEqual(one.alerts, [ALERT]);
  await one.link.announceThresholds("BTC-USDT", { whale: 5 });
  assert.deepEqual(one.announcements, [{
    kind: "thresholds",
    symbol: "BTC-USDT",
    changes: { whale: 5 },
  }]);
  one.link.publishStatus({
    type: "status",
    upstream: "online",
    simulated: true,
    last_success: 1,
  });
  assert.ok(socket.frames().some((f) => f.type === "status"));
  assert.equal(one.link.diagnostics().role, "leader");
  await one.link.stop();
});

type Instance = ReturnType<typeof instance>;

/**
 * Registers a test of two linked instances on one KV store: `a` starts and
 * leads, then `b` starts and follows; `open` joins another instance.
 */
function sharedStoreTest(
  name: string,
  body: (a: Instance, b: Instance, open: () => Promise<Instance>) => Promise<
    void
  >,
) {
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const kv = await Deno.openKv(":memory:");
      const opened: Instance[] = [];
      const open = async () => {
        const one = instance(
          await KvEngine.open({ kv, historySize: 50, channels: SYMBOLS }),
          600,
        );
        opened.push(one);
        return one;
      };
      try {
        const a = await open();
        const b = await open();
        await a.link.start();
        await waitUntil(() => a.link.role === "leader", "a leads");
        await b.link.start();
        await body(a, b, open);
      } finally {
        for (const one of opened) {
          await one.link.stop();
          await one.link.engine.close();
        }
        kv.close();
      }
    },
  });
}

sharedStoreTest(
  "EngineLink - on a shared store one instance leads, the other follows with the same seqs, and takes over on release",
  async (a, b) => {
    const socket = new FakeSocket();
    b.hub.join(socket, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
    a.link.publishTicks([analyzedTick("BTC-USDT", 1)]);
    b.link.publishTicks([analyzedTick("BTC-USDT", 99)]); // a follower publishes nothing
    a.link.publishTicks([analyzedTick("BTC-USDT", 2)]);
    await waitUntil(
      () => socket.seqs("BTC-USDT").length === 2,
      "two ticks on b",
    );
    assert.deepEqual(socket.seqs("BTC-USDT"), [1, 2]);
    assert.deepEqual(b.hub.history("BTC-USDT").map((t) => t.price), [1, 2]);
    assert.deepEqual(a.hub.history("BTC-USDT").map((t) => t.seq), [1, 2]);
    assert.equal(await b.link.deliverAlert("k", ALERT), false);
    assert.equal(await a.link.deliverAlert("k", ALERT), true);
    await waitUntil(() => b.alerts.length === 1, "the alert on b");
    await b.link.announceThresholds("ETH-USDT", { trade: 7 });
    await waitUntil(() => a.announcements.length === 1, "the change on a");
    assert.deepEqual(b.roles, []);
    await a.link.stop();
    await waitUntil(() => b.link.role === "leader", "b takes over");
    assert.deepEqual(b.adopted.map((s) => s.seenTrades), [["S:1"]]);
    b.link.publishTicks([analyzedTick("BTC-USDT", 3)]);
    await waitUntil(
      () => socket.seqs("BTC-USDT").length === 3,
      "the third tick",
    );
    assert.deepEqual(socket.seqs("BTC-USDT"), [1, 2, 3]);
    assert.equal(b.link.metrics().leader, 1);
  },
);

sharedStoreTest(
  "EngineLink - derived data reaches every instance in order, numbered apart from the ticks; a late joiner gets what is held",
  async (a, b, open) => {
    a.link.publishTicks([analyzedTick("BTC-USDT", 1)]);
    a.link.publishDerived(['{"n":1}', '{"n":2}']);
    b.link.publishDerived(['{"n":99}']); // a follower publishes nothing
    a.link.publishDerived(['{"n":3}']);
    await waitUntil(() => b.derived.length === 3, "three items on b");
    assert.deepEqual(b.derived, ['{"n":1}', '{"n":2}', '{"n":3}']);
    assert.deepEqual(a.derived, b.derived);
    await waitUntil(
      () => b.hub.history("BTC-USDT").length === 1,
      "the tick on b",
    );
    assert.equal(b.hub.history("BTC-USDT")[0].seq, 1);
    const c = await open();
    await c.link.start();
    assert.deepEqual(c.derived, b.derived);
    await b.link.announcePriceAlerts();
    await waitUntil(
      () => a.priceAlertChanges() === 1 && c.priceAlertChanges() === 1,
      "the price-alert change everywhere",
    );
  },
);
