import assert from "node:assert/strict";
import { effect } from "@preact/signals";
import { MarketStore, MAX_ALERTS } from "./market_store.ts";
import { alertFrame, tickFrame } from "./test_utils.ts";

const BTC = "BTC-USDT";
const ETH = "ETH-USDT";

function hello(epoch = "e1") {
  return {
    type: "hello",
    epoch,
    symbols: [BTC, ETH],
    server_time: 5_000,
    simulated: true,
  } as const;
}

Deno.test("MarketStore - live ticks: newer seq wins, duplicates and late frames are ignored", () => {
  const store = new MarketStore([BTC]);
  store.apply([
    hello(),
    tickFrame(BTC, 1),
    tickFrame(BTC, 3),
    tickFrame(BTC, 2),
    tickFrame(BTC, 3),
  ]);
  assert.equal(store.tick(BTC).value?.seq, 3);
});

Deno.test("MarketStore - hands back the live ticks it accepted, and says when a hello arrived", () => {
  const store = new MarketStore([BTC]);
  const outcome = store.apply([
    hello(),
    tickFrame(BTC, 1),
    tickFrame(BTC, 1),
    {
      type: "batch",
      symbol: BTC,
      frames: [1, 2, 3].map((s) => tickFrame(BTC, s)),
    },
  ]);
  assert.deepEqual(outcome.ticks.map((t) => t.seq), [1, 2, 3]);
  assert.equal(outcome.connected, true);
  assert.equal(store.apply([tickFrame(BTC, 4)]).connected, false);
});

Deno.test("MarketStore - applies a batch of frames as one signal update", () => {
  const store = new MarketStore([BTC]);
  let runs = 0;
  const stop = effect(() => {
    store.tick(BTC).value;
    runs++;
  });
  store.apply([tickFrame(BTC, 1), tickFrame(BTC, 2), tickFrame(BTC, 3)]);
  stop();
  assert.equal(runs, 2, "initial run + one for the whole batch");
});

Deno.test("MarketStore - every symbol with a tick is a resume point", () => {
  const store = new MarketStore([BTC, ETH]);
  store.apply([hello(), {
    type: "batch",
    symbol: BTC,
    frames: [1, 2, 3].map((s) => tickFrame(BTC, s)),
  }]);
  assert.deepEqual([...store.resumePoints()], [[BTC, 3]]);
  store.apply([tickFrame(ETH, 9)]);
  assert.deepEqual([...store.resumePoints()], [[BTC, 3], [ETH, 9]]);
});

Deno.test("MarketStore - a reset forgets the symbol so the lower-seq snapshot is accepted", () => {
  const store = new MarketStore([BTC]);
  store.apply([hello(), tickFrame(BTC, 10), tickFrame(BTC, 11)]);
  store.apply([
    { type: "reset", symbol: BTC, epoch: "e1", seq: 4, reason: "ahead" },
    tickFrame(BTC, 4),
  ]);
  assert.equal(store.tick(BTC).value?.seq, 4);
  assert.equal(store.resumePoints().get(BTC), 4);
});

Deno.test("MarketStore - a new epoch in hello forgets every sequence", () => {
  const store = new MarketStore([BTC]);
  store.apply([hello("e1"), tickFrame(BTC, 50)]);
  store.apply([hello("e2"), tickFrame(BTC, 1)]);
  assert.equal(store.tick(BTC).value?.seq, 1);
  assert.equal(store.session.value?.epoch, "e2");
  assert.equal(store.session.value?.simulated, true);
});

Deno.test("MarketStore - alerts: newest first, de-duplicated by id, bounded; only new ones reported", () => {
  const store = new MarketStore([BTC]);
  store.seedAlerts([alertFrame(2), alertFrame(1)]);
  const outcome = store.apply([alertFrame(2), alertFrame(3)]);
  assert.deepEqual(outcome.newAlerts.map((a) => a.id), [alertFrame(3).id]);
  assert.deepEqual(
    store.alerts.value.map((a) => a.id),
    [3, 2, 1].map((n) => alertFrame(n).id),
  );
  store.apply(
    Array.from({ length: MAX_ALERTS + 10 }, (_, i) => alertFrame(100 + i)),
  );
  assert.equal(store.alerts.value.length, MAX_ALERTS);
  assert.equal(store.alerts.value[0].id, alertFrame(100 + MAX_ALERTS + 9).id);
});

Deno.test("MarketStore - server-rendered seeds never overwrite newer live data", () => {
  const store = new MarketStore([BTC]);
  store.apply([tickFrame(BTC, 7)]);
  store.seedTicks([tickFrame(BTC, 5), null]);
  assert.equal(store.tick(BTC).value?.seq, 7);
  assert.equal(
    store.thresholds.value[BTC],
    5_000_000,
    "ticks carry the threshold",
  );
});

Deno.test("MarketStore - the session names the instance a hello came from", () => {
  const store = new MarketStore([BTC]);
  store.apply([hello()]);
  assert.equal(store.session.value?.instance, undefined);
  store.apply([{ ...hello(), instance: "node-2" }]);
  assert.equal(store.session.value?.instance, "node-2");
});
