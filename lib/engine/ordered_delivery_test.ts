import assert from "node:assert/strict";
import { OrderedDelivery } from "./ordered_delivery.ts";
import type { EngineEntry, EngineEvent, HistoryRead } from "./stream_engine.ts";

const entry = (seq: number, channel = "A"): EngineEntry => ({
  channel,
  seq,
  data: `{"n":${seq}}`,
});

function setup(held: EngineEntry[]) {
  const events: EngineEvent[] = [];
  const fetches: number[] = [];
  const delivery = new OrderedDelivery({
    fetch: (_channel, after): Promise<HistoryRead> => {
      fetches.push(after);
      const entries = held.filter((e) => e.seq > after);
      return Promise.resolve({
        epoch: "e",
        entries,
        oldestSeq: held[0]?.seq,
        latestSeq: held.at(-1)?.seq ?? 0,
      });
    },
    emit: (event) => events.push(event),
  });
  const seqs = () =>
    events.map((e) => e.type === "entry" ? e.entry.seq : `cut@${e.type}`);
  return { delivery, events, fetches, seqs };
}

Deno.test("OrderedDelivery - contiguous entries pass at once, duplicates drop", () => {
  const { delivery, seqs, fetches } = setup([]);
  delivery.prime("A", 4);
  delivery.offer(entry(5));
  delivery.offer(entry(5));
  delivery.offer(entry(4));
  delivery.offer(entry(6));
  assert.deepEqual(seqs(), [5, 6]);
  assert.deepEqual(fetches, []);
});

Deno.test("OrderedDelivery - a gap is backfilled before what follows", async () => {
  const held = [1, 2, 3, 4, 5, 6].map((n) => entry(n));
  const { delivery, seqs, fetches } = setup(held);
  delivery.prime("A", 2);
  delivery.offer(entry(5));
  delivery.offer(entry(6));
  await delivery.settled();
  assert.deepEqual(fetches[0], 2);
  assert.deepEqual(seqs(), [3, 4, 5, 6]);
});

Deno.test("OrderedDelivery - history that lost the gap says truncated", async () => {
  const held = [5, 6, 7].map((n) => entry(n));
  const { delivery, events } = setup(held);
  delivery.prime("A", 1);
  delivery.offer(entry(7));
  await delivery.settled();
  assert.deepEqual(events.map((e) => e.type), [
    "truncated",
    "entry",
    "entry",
    "entry",
  ]);
  assert.deepEqual(events[0], { type: "truncated", channel: "A", seq: 5 });
  assert.equal(delivery.cursor("A"), 7);
});

Deno.test("OrderedDelivery - channels are independent", () => {
  const { delivery, seqs } = setup([]);
  delivery.prime("A", 0);
  delivery.prime("B", 10);
  delivery.offer(entry(1, "A"));
  delivery.offer(entry(11, "B"));
  assert.deepEqual(seqs(), [1, 11]);
});

Deno.test("OrderedDelivery - reset starts every channel over at 1", () => {
  const { delivery, seqs } = setup([]);
  delivery.prime("A", 9);
  delivery.reset();
  delivery.offer(entry(1));
  assert.deepEqual(seqs(), [1]);
});
