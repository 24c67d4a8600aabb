/**
 * The hub as the local fan-out of a stream engine: ticks arrive numbered,
 * history is seeded from the engine, and a lost epoch or truncated history
 * resets the sockets.
 */
import assert from "node:assert/strict";
import { analyzedTick, FakeSocket } from "./test_utils.ts";
import type { ResetFrame } from "../protocol/frames.ts";
import { StreamHub } from "./stream_hub.ts";
import { tickData } from "./tick_codec.ts";
import { FakeClock } from "../clock/fake_clock.ts";

const NOW = 1_700_000_000_000;
const data = (price: number) => tickData(analyzedTick("BTC-USDT", price), NOW);

function hub(instance?: string) {
  return new StreamHub({
    symbols: ["BTC-USDT"],
    historySize: 5,
    epoch: "e1",
    clock: new FakeClock(NOW),
    instance,
  });
}

Deno.test("StreamHub - numbered ticks are stored and fanned out once each", () => {
  const h = hub();
  const socket = new FakeSocket();
  h.join(socket, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  h.applyTick("BTC-USDT", 7, data(1));
  h.applyTick("BTC-USDT", 7, data(1));
  h.applyTick("BTC-USDT", 8, data(2));
  h.applyTick("NOPE", 1, data(2));
  assert.deepEqual(socket.seqs("BTC-USDT"), [7, 8]);
  assert.equal(h.latest("BTC-USDT")?.price, 2);
});

Deno.test("StreamHub - seeded history replays and resumes like published history", () => {
  const h = hub();
  h.seed("BTC-USDT", [3, 4, 5].map((seq) => ({ seq, data: data(seq) })));
  const socket = new FakeSocket();
  h.join(socket, {
    symbols: ["BTC-USDT"],
    since: new Map([["BTC-USDT", 3]]),
    epoch: "e1",
    ip: "1.1.1.1",
  });
  h.applyTick("BTC-USDT", 6, data(6));
  assert.deepEqual(socket.seqs("BTC-USDT"), [4, 5, 6]);
});

Deno.test("StreamHub - a new epoch resets every room and numbering starts over", () => {
  const h = hub();
  h.applyTick("BTC-USDT", 1, data(1));
  const socket = new FakeSocket();
  h.join(socket, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  h.resetEpoch("e2");
  h.applyTick("BTC-USDT", 1, data(9));
  const reset = socket.frames().find((f) => f.type === "reset") as ResetFrame;
  assert.deepEqual(reset, {
    type: "reset",
    symbol: "BTC-USDT",
    epoch: "e2",
    seq: 0,
    reason: "epoch-changed",
  });
  assert.equal(h.epoch, "e2");
  assert.deepEqual(h.history("BTC-USDT").map((t) => t.seq), [1]);
  assert.equal(h.latest("BTC-USDT")?.price, 9);
});

Deno.test("StreamHub - truncated history resets the room and continues from the new seq", () => {
  const h = hub();
  h.applyTick("BTC-USDT", 1, data(1));
  const socket = new FakeSocket();
  h.join(socket, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  h.truncate("BTC-USDT", 40);
  h.applyTick("BTC-USDT", 40, data(2));
  const types = socket.frames().map((f) => f.type);
  assert.deepEqual(types.slice(-2), ["reset", "tick"]);
  assert.deepEqual(h.history("BTC-USDT").map((t) => t.seq), [40]);
});

Deno.test("StreamHub - hello names the instance when one is configured", () => {
  const socket = new FakeSocket();
  hub("host-a").join(socket, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  assert.equal(socket.frames()[0].type, "hello");
  assert.equal(
    (socket.frames()[0] as { instance?: string }).instance,
    "host-a",
  );
  const plain = new FakeSocket();
  hub().join(plain, { symbols: ["BTC-USDT"], ip: "1.1.1.1" });
  assert.ok(!("instance" in plain.frames()[0]));
});
