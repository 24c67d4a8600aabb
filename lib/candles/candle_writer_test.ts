import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import type { Candle } from "../protocol/candles.ts";
import { MemoryCandleStore, type StoredBar } from "./candle_store.ts";
import { CandleWriter } from "./candle_writer.ts";

const bar = (t: number): StoredBar => ({
  symbol: "A",
  resolution: "1s",
  candle: { t, o: 1, h: 1, l: 1, c: 1, v: 0, turnover: 0 },
});

async function stored(store: MemoryCandleStore): Promise<number[]> {
  const out: number[] = [];
  for await (const c of store.load("A", "1s", 0)) out.push((c as Candle).t);
  return out;
}

Deno.test("CandleWriter - bars queued meanwhile go out together in the next write", async () => {
  const store = new MemoryCandleStore();
  const writer = new CandleWriter({ store });
  writer.enqueue([bar(1)]);
  writer.enqueue([bar(2)]);
  writer.enqueue([bar(3)]);
  await writer.drained();
  assert.deepEqual(await stored(store), [1, 2, 3]);
  assert.equal(store.puts, 2, "the first write, then the two queued behind it");
  assert.deepEqual(writer.stats(), {
    written: 3,
    writes: 2,
    failures: 0,
    dropped: 0,
    queued: 0,
  });
});

Deno.test("CandleWriter - a failed write is retried after the pause", async () => {
  const clock = new FakeClock();
  const store = new MemoryCandleStore();
  let fail = true;
  const put = store.put.bind(store);
  store.put = (bars) => fail ? Promise.reject(new Error("disk")) : put(bars);
  const errors: unknown[] = [];
  const writer = new CandleWriter({
    store,
    clock,
    retryMs: 500,
    onError: (e) => errors.push(e),
  });
  writer.enqueue([bar(1)]);
  await clock.settle();
  assert.equal(errors.length, 1);
  assert.equal(writer.stats().queued, 1);
  fail = false;
  clock.advance(500);
  await writer.drained();
  assert.deepEqual(await stored(store), [1]);
  assert.equal(writer.stats().failures, 1);
});

Deno.test("CandleWriter - a full queue drops the oldest bars and counts them", async () => {
  const clock = new FakeClock();
  const store = new MemoryCandleStore();
  store.put = () => Promise.reject(new Error("stalled"));
  const writer = new CandleWriter({ store, clock, maxQueued: 3 });
  writer.enqueue([bar(1), bar(2)]);
  await clock.settle();
  writer.enqueue([bar(3), bar(4)]);
  assert.equal(writer.stats().dropped, 1);
  assert.equal(writer.stats().queued, 3);
  await writer.stop();
  assert.throws(() => new CandleWriter({ store, maxQueued: 0 }), RangeError);
});

Deno.test("CandleWriter - abandon drops what waits and the retry, counts them, and writes what comes later", async () => {
  const clock = new FakeClock();
  const store = new MemoryCandleStore();
  let fail = true;
  const put = store.put.bind(store);
  store.put = (bars) => fail ? Promise.reject(new Error("fenced")) : put(bars);
  const written: number[] = [];
  const writer = new CandleWriter({
    store,
    clock,
    retryMs: 500,
    onWritten: (bars) => written.push(...bars.map((b) => b.candle.t)),
  });
  writer.enqueue([bar(1), bar(2)]);
  await clock.settle();
  writer.abandon();
  await writer.drained();
  assert.equal(writer.stats().dropped, 2);
  assert.equal(writer.settled, 2);
  fail = false;
  writer.enqueue([bar(3)]);
  await writer.drained();
  assert.deepEqual(await stored(store), [3]);
  assert.deepEqual(written, [3]);
  await writer.stop();
});
