import assert from "node:assert/strict";
import { Channel } from "./channel.ts";
import { analyzedTick } from "./test_utils.ts";

const tick = (price: number) => analyzedTick("BTC-USDT", price);

Deno.test("Channel - publish stamps increasing seq and the emit time", () => {
  const channel = new Channel("BTC-USDT", 10);
  assert.equal(channel.latestSeq, 0);
  assert.equal(channel.latest, undefined);
  const first = channel.publish(tick(100), 5_000);
  const second = channel.publish(tick(101), 6_000);
  assert.deepEqual([first.seq, second.seq], [1, 2]);
  assert.equal(first.frame.type, "tick");
  assert.equal(first.frame.ts, 5_000);
  assert.equal(second.frame.price, 101);
  assert.equal(channel.latestSeq, 2);
  assert.equal(channel.latest, second);
});

Deno.test("Channel - the channel's id wins over the tick's symbol", () => {
  const channel = new Channel("ETH-USDT", 10);
  assert.equal(channel.publish(tick(1), 0).frame.symbol, "ETH-USDT");
});

Deno.test("Channel - each tick is encoded once as its frame's JSON", () => {
  const channel = new Channel("BTC-USDT", 10);
  const entry = channel.publish(tick(100), 5_000);
  assert.deepEqual(JSON.parse(entry.encoded), entry.frame);
  assert.equal(channel.entries()[0].encoded, entry.encoded);
});

Deno.test("Channel - history is bounded while seq keeps counting", () => {
  const channel = new Channel("BTC-USDT", 3);
  for (let i = 0; i < 10; i++) channel.publish(tick(100 + i), i);
  assert.deepEqual(channel.entries().map((e) => e.seq), [8, 9, 10]);
  assert.deepEqual(channel.window("e"), {
    epoch: "e",
    oldestSeq: 8,
    latestSeq: 10,
  });
});

Deno.test("Channel - startSeq continues an earlier numbering", () => {
  const channel = new Channel("BTC-USDT", 3, 41);
  assert.equal(channel.publish(tick(1), 0).seq, 42);
});

Deno.test("Channel - entriesFor follows each plan kind", () => {
  const channel = new Channel("BTC-USDT", 5);
  for (let i = 0; i < 8; i++) channel.publish(tick(100 + i), i);
  const seqs = (plan: Parameters<Channel["entriesFor"]>[0]) =>
    channel.entriesFor(plan).map((e) => e.seq);
  assert.deepEqual(seqs({ kind: "full" }), [4, 5, 6, 7, 8]);
  assert.deepEqual(seqs({ kind: "from", after: 6 }), [7, 8]);
  assert.deepEqual(seqs({ kind: "from", after: 3 }), [4, 5, 6, 7, 8]);
  assert.deepEqual(seqs({ kind: "from", after: 8 }), []);
  assert.deepEqual(seqs({ kind: "reset", reason: "too-old" }), []);
});

Deno.test("Channel - entriesFor on an empty channel is empty", () => {
  const channel = new Channel("BTC-USDT", 5);
  assert.deepEqual(channel.entriesFor({ kind: "full" }), []);
  assert.deepEqual(channel.entriesFor({ kind: "from", after: 0 }), []);
  assert.deepEqual(channel.window("e"), {
    epoch: "e",
    oldestSeq: undefined,
    latestSeq: 0,
  });
});

Deno.test("Channel - restore keeps seq and skips entries already held", () => {
  const source = new Channel("BTC-USDT", 10);
  for (let i = 0; i < 4; i++) source.publish(tick(100 + i), i);
  const restored = new Channel("BTC-USDT", 10);
  restored.restore(source.entries());
  restored.restore(source.entries());
  assert.deepEqual(restored.entries().map((e) => e.seq), [1, 2, 3, 4]);
  assert.equal(restored.latestSeq, 4);
  assert.equal(restored.publish(tick(200), 9).seq, 5);
});

Deno.test("Channel - restore into a smaller ring keeps the newest", () => {
  const source = new Channel("BTC-USDT", 10);
  for (let i = 0; i < 6; i++) source.publish(tick(100 + i), i);
  const restored = new Channel("BTC-USDT", 2);
  restored.restore(source.entries());
  assert.deepEqual(restored.entries().map((e) => e.seq), [5, 6]);
  assert.equal(restored.latestSeq, 6);
});

Deno.test("Channel - the full-history batch is built once per tick and shared", () => {
  const channel = new Channel("BTC-USDT", 5);
  assert.equal(
    channel.batchFor({ kind: "full" }),
    undefined,
    "nothing to replay",
  );
  for (let i = 0; i < 7; i++) channel.publish(tick(100 + i), i);
  const first = channel.batchFor({ kind: "full" });
  assert.equal(channel.batchFor({ kind: "full" }), first);
  const batch = JSON.parse(first!);
  assert.equal(batch.type, "batch");
  assert.deepEqual(batch.frames.map((f: { seq: number }) => f.seq), [
    3,
    4,
    5,
    6,
    7,
  ]);
  channel.publish(tick(200), 8);
  assert.deepEqual(
    JSON.parse(channel.batchFor({ kind: "full" })!).frames.map((
      f: { seq: number },
    ) => f.seq),
    [4, 5, 6, 7, 8],
    "a new tick refreshes the shared batch",
  );
});

Deno.test("Channel - a history limit keeps the newest ticks; 0 replays nothing; resumes ignore it", () => {
  const channel = new Channel("BTC-USDT", 5);
  for (let i = 0; i < 5; i++) channel.publish(tick(100 + i), i);
  const seqs = (encoded: string | undefined) =>
    JSON.parse(encoded!).frames.map((f: { seq: number }) => f.seq);
  assert.deepEqual(seqs(channel.batchFor({ kind: "full" }, 2)), [4, 5]);
  assert.equal(channel.batchFor({ kind: "full" }, 0), undefined);
  assert.deepEqual(seqs(channel.batchFor({ kind: "from", after: 1 }, 0)), [
    2,
    3,
    4,
    5,
  ]);
});

Deno.test("Channel - clear forgets history and the newest tick; numbering restarts where told", () => {
  const channel = new Channel("BTC-USDT", 5);
  for (let i = 0; i < 4; i++) channel.publish(tick(100 + i), i);
  channel.clear(20);
  assert.equal(channel.latest, undefined);
  assert.deepEqual(channel.entries(), []);
  assert.deepEqual(channel.window("e").oldestSeq, undefined);
  const next = channel.publish(tick(1), 9);
  assert.equal(next.seq, 21);
  assert.equal(channel.latest, next);
  assert.deepEqual(channel.entries().map((e) => e.encoded), [next.encoded]);
});
