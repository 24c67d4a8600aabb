import assert from "node:assert/strict";
import { PublishQueue } from "./publish_queue.ts";
import type { EngineDraft, Lease, PublishResult } from "./stream_engine.ts";

function gatedEngine() {
  const calls: EngineDraft[][] = [];
  let release: (() => void) | undefined;
  return {
    calls,
    open: () => release?.(),
    engine: {
      publish: (drafts: readonly EngineDraft[]): Promise<PublishResult> => {
        calls.push([...drafts]);
        return new Promise((resolve) => {
          release = () =>
            resolve({
              ok: true,
              entries: drafts.map((d, i) => ({ ...d, seq: i + 1 })),
            });
        });
      },
    },
  };
}

const d = (channel: string, n: number) => ({ channel, data: `{"n":${n}}` });
const LEASE: Lease = { token: 1, holder: "a", expiresAt: 0 };

Deno.test("PublishQueue - one batch in flight; what arrives meanwhile goes next, in order", async () => {
  const gate = gatedEngine();
  const queue = new PublishQueue({ engine: gate.engine });
  queue.push([d("A", 1)], LEASE);
  queue.push([d("A", 2)], LEASE);
  queue.push([d("B", 3)], LEASE);
  assert.equal(gate.calls.length, 1);
  gate.open();
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(gate.calls[1], [d("A", 2), d("B", 3)]);
  gate.open();
  await queue.idle();
});

Deno.test("PublishQueue - conflation keeps only the newest waiting draft per channel", async () => {
  const gate = gatedEngine();
  const queue = new PublishQueue({ engine: gate.engine, conflate: true });
  queue.push([d("A", 1)], LEASE);
  queue.push([d("A", 2), d("B", 1)], LEASE);
  queue.push([d("A", 3)], LEASE);
  gate.open();
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(gate.calls[1], [d("B", 1), d("A", 3)]);
  assert.equal(queue.stats().conflated, 1);
  gate.open();
  await queue.idle();
});

Deno.test("PublishQueue - a conflation filter keeps every waiting draft of the channels it rejects", async () => {
  const gate = gatedEngine();
  const queue = new PublishQueue({
    engine: gate.engine,
    conflate: (channel) => !channel.startsWith("#"),
  });
  queue.push([d("A", 1)], LEASE);
  queue.push([d("A", 2), d("#derived", 1)], LEASE);
  queue.push([d("A", 3), d("#derived", 2)], LEASE);
  gate.open();
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(gate.calls[1], [
    d("#derived", 1),
    d("A", 3),
    d("#derived", 2),
  ]);
  assert.equal(queue.stats().conflated, 1);
  gate.open();
  await queue.idle();
});

Deno.test("PublishQueue - a full queue drops the oldest and counts them", async () => {
  const gate = gatedEngine();
  const queue = new PublishQueue({ engine: gate.engine, maxPending: 2 });
  queue.push([d("A", 1)], LEASE);
  queue.push([d("A", 2), d("A", 3), d("A", 4)], LEASE);
  assert.equal(queue.stats().dropped, 1);
  gate.open();
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(gate.calls[1], [d("A", 3), d("A", 4)]);
  gate.open();
  await queue.idle();
});

Deno.test("PublishQueue - a refused batch is reported", async () => {
  const refused: string[] = [];
  const queue = new PublishQueue({
    engine: { publish: () => Promise.resolve({ ok: false, reason: "fenced" }) },
    onRefused: (r) => refused.push(r.reason),
  });
  queue.push([d("A", 1)], LEASE);
  await queue.idle();
  assert.deepEqual(refused, ["fenced"]);
  assert.equal(queue.stats().failed, 1);
});
